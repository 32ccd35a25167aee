package io.crespr.shared.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleAtlasTest {

    /** Two modules: first half of every node layer in module 0, second half in module 1; inter-module weights pruned. */
    private static Checkpoint blockDiagonal(DataSplit data, String arch) {
        Checkpoint c = Checkpoints.init(Architecture.parse(arch), new Networks.Io(data.inputShape(), data.numClasses()),
                data.name(), 3);
        List<int[]> a = new ArrayList<>();
        for (int size : ModuleStructure.nodeLayerSizes(c)) {
            int[] m = new int[size];
            for (int i = 0; i < size; i++) {
                m[i] = i < size / 2 ? 0 : 1;
            }
            a.add(m);
        }
        ModuleMap modules = new ModuleMap(2, a);
        c = c.derive(c.id(), c.params(), c.masks(), modules, c.provenance());
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (int l = 0; l < c.weights().size(); l++) {
            ParamTensor w = c.weights().get(l);
            int[] mod = ModuleStructure.moduleOfWeights(c, modules, l);
            boolean[] keep = new boolean[w.size()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = mod[i] >= 0;
            }
            masks.put(w.name(), new Mask(w.name(), keep));
        }
        return Checkpoints.applyMasks(c, masks, c.provenance());
    }

    @Test
    void aBlockDiagonalNetworkGivesEachModuleAllOfItsClassesLogits() {
        DataSplit data = Datasets.load("synthetic", null, 2);
        Checkpoint c = blockDiagonal(data, "mlp:12");
        List<ModuleAtlas.Module> modules = ModuleAtlas.modules(c, data.test());
        assertThat(modules.get(0).classes()).containsExactly(0, 1, 2);
        assertThat(modules.get(1).classes()).containsExactly(3, 4, 5);
        for (int cl = 0; cl < 6; cl++) {
            int owner = cl < 3 ? 0 : 1;
            assertThat(modules.get(owner).logitShare()[cl]).isEqualTo(1.0);
            assertThat(modules.get(1 - owner).logitShare()[cl]).isEqualTo(0.0);
        }
        // module 0 reads only the first half of the inputs
        double[] in0 = modules.get(0).inputMass();
        assertThat(in0[0]).isGreaterThan(0);
        assertThat(in0[in0.length - 1]).isEqualTo(0.0);
    }

    @Test
    void imageInputsGetAHeatMapPerModuleAndTheNetworkAFigure(@TempDir Path dir) throws Exception {
        DataSplit data = Datasets.load("mnist-mini", null, 1);
        Checkpoint c = blockDiagonal(data, "mlp:20,10");
        String md = ModuleAtlas.write(c, data.test(), dir);
        assertThat(md).contains("| module |").contains("module-1-inputs.png");
        for (String f : List.of("module-0-inputs.png", "module-1-inputs.png", "network.png")) {
            assertThat(Files.readAllBytes(dir.resolve(f))).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
