package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.TrainRequest;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

class MaskedTrainingTest {

    private final DataSplit data = Fixtures.synthetic(3);

    private Checkpoint pruned(double sparsity) {
        Checkpoint dense = Fixtures.mlp("mlp:32,16", data, 5);
        Map<String, Mask> masks = new GlobalPruner().prune(dense, new RandomScorer().score(dense, data,
                PluginOptions.none("random"), 9), PrunersTest.req(sparsity));
        return Checkpoints.applyMasks(dense, masks, dense.provenance());
    }

    @Test
    void prunedWeightsAndAdamStateStayExactlyZeroWhileTheRestLearns() {
        Checkpoint start = pruned(0.8);
        TrainRequest req = new TrainRequest(3, 32, 1e-2, 11, 1, 4, "fine-tune", PluginOptions.none("adam"), null);
        MultiLayerNetwork net = MaskedTraining.train(start, data.train(), req, new Adam(1e-2));

        INDArray flatMask = Networks.flatMask(net, start.masks());
        INDArray params = net.params();
        long n = params.length();
        int changedKept = 0;
        long kept = start.prunableCount() - Math.round(0.8 * start.prunableCount());
        for (ParamTensor after : Networks.params(net)) {
            if (!after.isWeight()) {
                continue;
            }
            Mask m = start.mask(after.name());
            float[] before = start.param(after.name()).values();
            for (int i = 0; i < m.size(); i++) {
                if (!m.keep()[i]) {
                    assertThat(after.values()[i]).as("%s[%d] pruned", after.name(), i).isEqualTo(0f);
                } else if (after.values()[i] != before[i]) {
                    changedKept++;
                }
            }
        }
        assertThat(changedKept).as("surviving weights must train").isGreaterThan((int) (kept / 2));

        // Adam's state is [m | v], each in the params' layout: zero wherever the mask is zero.
        INDArray state = net.getUpdater().getStateViewArray();
        assertThat(state.length()).isEqualTo(2 * n);
        int prunedSlots = 0;
        for (long i = 0; i < n; i++) {
            if (flatMask.getDouble(i) == 0) {
                prunedSlots++;
                assertThat(state.getDouble(i)).as("m at %d", i).isEqualTo(0.0);
                assertThat(state.getDouble(n + i)).as("v at %d", i).isEqualTo(0.0);
            }
        }
        assertThat(prunedSlots).isEqualTo(Math.round(0.8 * start.prunableCount()));
    }

    @Test
    void aTrainerPluginKeepsMasksAndProvenance() {
        Checkpoint start = pruned(0.9);
        Checkpoint out = new SgdTrainer().train(start, data, new TrainRequest(1, 64, 0.05, 1, 2, 4, "fine-tune",
                new PluginOptions("sgd", Map.of("momentum", "0.9")), null));
        assertThat(out.masks()).isEqualTo(start.masks());
        assertThat(out.sparsity()).isEqualTo(start.sparsity());
        assertThat(out.provenance().parentId()).isEqualTo(start.id());
        assertThat(out.provenance().plugins().get(out.provenance().plugins().size() - 1).name()).isEqualTo("sgd");
        assertThat(out.provenance().round()).isEqualTo(2);
    }

    private static double massOf(Checkpoint c, boolean inter) {
        double m = 0;
        for (int l = 0; l < c.weights().size(); l++) {
            int[] module = io.crespr.shared.model.ModuleStructure.moduleOfWeights(c, c.modules(), l);
            float[] v = c.weights().get(l).values();
            for (int i = 0; i < v.length; i++) {
                if ((module[i] < 0) == inter) {
                    m += Math.abs(v[i]);
                }
            }
        }
        return m;
    }

    @Test
    void anL1PenaltyOnInterModuleWeightsShrinksThemAndKeepsMasks() {
        Checkpoint start = ClusterRestrictedPrunerTest.withModules(pruned(0.5), 3, 1);
        Map<String, String> l1 = Map.of("l1", "0.02", "l1Scope", "inter", "l1Growth", "constant");
        Checkpoint plain = new AdamTrainer().train(start, data, new TrainRequest(2, 32, 1e-2, 3, 1, 1, "fine-tune",
                PluginOptions.none("adam"), null));
        Checkpoint penalised = new AdamTrainer().train(start, data, new TrainRequest(2, 32, 1e-2, 3, 1, 1,
                "fine-tune", new PluginOptions("adam", l1), null));
        assertThat(massOf(penalised, true)).isLessThan(0.6 * massOf(plain, true));
        // intra-module weights carry no penalty: their mass moves far less
        assertThat(massOf(penalised, false)).isGreaterThan(0.8 * massOf(plain, false));
        for (ParamTensor w : penalised.weights()) {
            Mask m = start.mask(w.name());
            for (int i = 0; i < m.size(); i++) {
                if (!m.keep()[i]) {
                    assertThat(w.values()[i]).isEqualTo(0f);
                }
            }
        }
        // a linearly growing penalty is zero before the first round
        assertThat(SparsityPenalty.of(start, Networks.fromCheckpoint(start, null, 0), new TrainRequest(1, 32, 1e-2,
                3, 0, 1, "train", new PluginOptions("adam", Map.of("l1", "0.02")), null))).isNull();
    }
}
