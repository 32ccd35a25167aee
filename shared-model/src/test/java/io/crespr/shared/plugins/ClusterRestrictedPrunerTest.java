package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Saliency;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClusterRestrictedPrunerTest {

    private final DataSplit data = Fixtures.synthetic(1);
    private final Checkpoint dense = withModules(Fixtures.mlp("mlp:30,12", data, 3), 3, 5);

    /** A random module map with k modules over every node layer. */
    static Checkpoint withModules(Checkpoint c, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> a = new ArrayList<>();
        for (int size : ModuleStructure.nodeLayerSizes(c)) {
            int[] m = new int[size];
            for (int i = 0; i < size; i++) {
                m[i] = i < k ? i : r.nextInt(k);
            }
            a.add(m);
        }
        return c.derive(c.id(), c.params(), c.masks(), new ModuleMap(k, a), c.provenance());
    }

    private Map<String, Mask> prune(double target, double budget) {
        Saliency s = new MagnitudeScorer().score(dense, data, PluginOptions.none("m"), 0);
        return new ClusterRestrictedPruner().prune(dense, s, new PruneRequest(target,
                new PluginOptions("cluster-restricted", Map.of("interBudget", String.valueOf(budget))),
                new UniformAllocator(), PluginOptions.none("uniform"), 1));
    }

    @ParameterizedTest
    @CsvSource({"0.9,0.05", "0.95,0.0", "0.99,0.2", "0.5,0.1"})
    void interModuleWeightsStayWithinTheBudgetAndTheTotalIsExact(double target, double budget) {
        Map<String, Mask> masks = prune(target, budget);
        List<ParamTensor> w = dense.weights();
        long pruned = 0;
        for (int l = 0; l < w.size(); l++) {
            Mask m = masks.get(w.get(l).name());
            int[] module = ModuleStructure.moduleOfWeights(dense, dense.modules(), l);
            long kept = m.keptCount();
            long inter = 0;
            long intraAvailable = 0;
            for (int i = 0; i < module.length; i++) {
                inter += m.keep()[i] && module[i] < 0 ? 1 : 0;
                intraAvailable += module[i] >= 0 ? 1 : 0;
            }
            long allowed = Math.max((long) Math.floor(budget * kept), kept - intraAvailable);
            assertThat(inter).as("inter-module survivors of %s", w.get(l).name()).isLessThanOrEqualTo(allowed);
            pruned += m.prunedCount();
        }
        assertThat(pruned).isEqualTo(Math.round(target * dense.prunableCount()));
    }

    @Test
    void theKeptInterModuleWeightsAreTheMostSalientOnes() {
        Map<String, Mask> masks = prune(0.8, 0.05);
        ParamTensor w0 = dense.weights().get(0);
        int[] module = ModuleStructure.moduleOfWeights(dense, dense.modules(), 0);
        float minKeptInter = Float.MAX_VALUE;
        float maxPrunedInter = 0;
        for (int i = 0; i < module.length; i++) {
            if (module[i] < 0) {
                float a = Math.abs(w0.values()[i]);
                if (masks.get(w0.name()).keep()[i]) {
                    minKeptInter = Math.min(minKeptInter, a);
                } else {
                    maxPrunedInter = Math.max(maxPrunedInter, a);
                }
            }
        }
        assertThat(minKeptInter).isGreaterThanOrEqualTo(maxPrunedInter);
    }

    @Test
    void aBadBudgetIsRejected() {
        assertThatThrownBy(() -> prune(0.9, 1.5)).isInstanceOf(InvalidInputException.class)
                .hasMessage("cluster-restricted option interBudget must be in [0, 1], got 1.5");
    }
}
