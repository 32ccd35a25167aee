package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructureEvaluatorTest {

    private final DataSplit data = Fixtures.synthetic(4);

    @Test
    void unitsCutOffFromInputsOrOutputsAreNotConnected() {
        Checkpoint c = Fixtures.mlp("mlp:6", data, 1);
        ParamTensor w0 = c.weights().get(0);
        ParamTensor w1 = c.weights().get(1);
        boolean[] k0 = Mask.dense(w0.name(), w0.size()).keep();
        boolean[] k1 = Mask.dense(w1.name(), w1.size()).keep();
        int nOut0 = (int) w0.shape()[1];
        for (int q = 0; q < w0.shape()[0]; q++) {
            k0[q * nOut0] = false; // unit 0 gets no input
        }
        int classes = (int) w1.shape()[1];
        for (int cl = 0; cl < classes; cl++) {
            k1[classes + cl] = false; // unit 1 reaches no class
        }
        Map<String, Mask> masks = new LinkedHashMap<>();
        masks.put(w0.name(), new Mask(w0.name(), k0));
        masks.put(w1.name(), new Mask(w1.name(), k1));
        Checkpoint pruned = Checkpoints.applyMasks(c, masks, c.provenance());
        assertThat(StructureEvaluator.connectedUnits(pruned)).containsExactly(4);
        assertThat(new StructureEvaluator().evaluate(pruned, data, PluginOptions.none("structure")))
                .doesNotContainKey("nCut");
    }

    @Test
    void aNetworkWithOnlyIntraModuleWeightsHasNoInterModuleMass() {
        Checkpoint c = ClusterRestrictedPrunerTest.withModules(Fixtures.mlp("mlp:12", data, 2), 2, 3);
        Map<String, Mask> masks = new LinkedHashMap<>();
        List<ParamTensor> w = c.weights();
        for (int l = 0; l < w.size(); l++) {
            int[] module = ModuleStructure.moduleOfWeights(c, c.modules(), l);
            boolean[] keep = new boolean[module.length];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = module[i] >= 0;
            }
            masks.put(w.get(l).name(), new Mask(w.get(l).name(), keep));
        }
        Checkpoint blocks = Checkpoints.applyMasks(c, masks, c.provenance());
        Map<String, Object> m = new StructureEvaluator().evaluate(blocks, data, PluginOptions.none("structure"));
        assertThat(m.get("intraModuleSurvivorShare")).isEqualTo(1.0);
        assertThat((Double) m.get("interModuleMassShare")).isEqualTo(0.0);
        Map<String, Object> h = new HessianBlocksEvaluator().evaluate(blocks, data,
                new PluginOptions("hessian-blocks", Map.of("samples", "500", "randomPartitions", "5")));
        assertThat(((Map<?, ?>) h.get("hessianOffBlockShare")).keySet().stream().map(String::valueOf).toList())
                .containsExactly("0_W", "1_W");
    }
}
