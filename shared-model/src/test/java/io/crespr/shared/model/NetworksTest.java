package io.crespr.shared.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworksTest {

    private static final Networks.Io MNIST = new Networks.Io(new int[] {1, 28, 28}, 10);

    @Test
    void architecturesHaveTheirKnownShapes() {
        Checkpoint lenet300 = Checkpoints.init(Architecture.parse("lenet-300-100"), MNIST, "x", 1);
        assertThat(lenet300.prunableCount()).isEqualTo(784 * 300 + 300 * 100 + 100 * 10);
        Checkpoint lenet5 = Checkpoints.init(Architecture.parse("lenet-5"), MNIST, "x", 1);
        assertThat(lenet5.params().stream().mapToLong(ParamTensor::size).sum()).isEqualTo(431_080);
        assertThat(lenet5.weights()).extracting(ParamTensor::name).containsExactly("0_W", "2_W", "4_W", "5_W");
        assertThat(Networks.io(Architecture.parse("lenet-5"), lenet5.params()).inputShape()).containsExactly(1, 28, 28);
        assertThat(Architecture.parse("MLP:64, 32").spec()).isEqualTo("mlp:64,32");
    }

    @Test
    void badArchitecturesAreRejected() {
        assertThatThrownBy(() -> Architecture.parse("resnet-50")).isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown architecture 'resnet-50'; known: lenet-300-100, lenet-5, mlp:W1,W2,… (e.g. mlp:64,32)");
        assertThatThrownBy(() -> Architecture.parse("mlp:0")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("width 0");
    }

    @Test
    void checkpointToNetworkAndBackIsExact() {
        for (String arch : List.of("lenet-300-100", "lenet-5")) {
            Checkpoint c = Checkpoints.init(Architecture.parse(arch), MNIST, "x", 4);
            MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
            assertThat(Networks.params(net)).isEqualTo(c.params());
        }
    }

    @Test
    void dl4jZipExportAndImportKeepWeightsAndMasks(@TempDir Path dir) {
        Checkpoint dense = Checkpoints.init(Architecture.parse("mlp:20,10"), new Networks.Io(new int[] {30}, 4), "x", 2);
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (ParamTensor w : dense.weights()) {
            boolean[] keep = new boolean[w.size()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = i % 3 == 0;
            }
            masks.put(w.name(), new Mask(w.name(), keep));
        }
        Checkpoint pruned = Checkpoints.applyMasks(dense, masks, dense.provenance());
        Path zip = dir.resolve("model.zip");
        Dl4jModels.export(pruned, zip);
        Checkpoint back = Dl4jModels.importZip(zip, "x");
        assertThat(back.architecture()).isEqualTo("mlp:20,10");
        assertThat(back.params()).isEqualTo(pruned.params());
        assertThat(back.masks()).isEqualTo(pruned.masks());
    }

    @Test
    void aZipThatIsNotAModelIsRejected(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        assertThatThrownBy(() -> Dl4jModels.importZip(junk, "x")).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("not a DL4J model zip: junk.zip");
    }
}
