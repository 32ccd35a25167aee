package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.Saliency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllocatorsTest {

    private final DataSplit data = Fixtures.synthetic(1);
    private final Checkpoint dense = Fixtures.mlp("mlp:40,20", data, 2);
    private final Saliency magnitude = new MagnitudeScorer().score(dense, data, PluginOptions.none("m"), 0);

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "erk", "global", "lamp", "sensitivity"})
    void everyAllocatorHitsTheTotalExactlyWithinLayerSizes(String name) {
        Allocator a = Plugins.get(Allocator.class, name);
        List<ParamTensor> w = dense.weights();
        for (double t : new double[] {0.0, 0.5, 0.9, 0.99, 0.998}) {
            long[] keep = a.keep(dense, magnitude, t, PluginOptions.none(name));
            assertThat(keep).hasSize(w.size());
            assertThat(sum(keep)).as("%s at %s", name, t)
                    .isEqualTo(dense.prunableCount() - Math.round(t * dense.prunableCount()));
            for (int l = 0; l < keep.length; l++) {
                assertThat(keep[l]).isBetween(0L, (long) w.get(l).size());
            }
        }
    }

    /** Σ over layers of the share of the layer's predicted rise that pruning down to {@code keep} costs. */
    private static double relativeRise(Checkpoint c, Saliency s, long[] keep) {
        double sum = 0;
        for (int l = 0; l < keep.length; l++) {
            float[] v = s.values().get(c.weights().get(l).name()).clone();
            java.util.Arrays.sort(v);
            double total = 0;
            double cut = 0;
            for (int i = 0; i < v.length; i++) {
                total += v[i];
                cut += i < v.length - keep[l] ? v[i] : 0;
            }
            sum += cut / total;
        }
        return sum;
    }

    @Test
    void sensitivityMinimisesTheSummedRelativePredictedRise() {
        Saliency obd = new ObdScorer().score(dense, data, PluginOptions.none("obd"), 0);
        for (double t : new double[] {0.5, 0.9, 0.99}) {
            long[] best = new SensitivityAllocator().keep(dense, obd, t, PluginOptions.none("sensitivity"));
            double mine = relativeRise(dense, obd, best);
            for (String other : List.of("uniform", "erk", "global", "lamp")) {
                long[] k = Plugins.get(Allocator.class, other).keep(dense, obd, t, PluginOptions.none(other));
                assertThat(mine).as("%s at %s", other, t).isLessThanOrEqualTo(relativeRise(dense, obd, k) + 1e-6);
            }
            // Moving one weight between any two layers cannot lower it either (the greedy optimum).
            for (int a = 0; a < best.length; a++) {
                for (int b = 0; b < best.length; b++) {
                    if (a != b && best[a] > 0 && best[b] < dense.weights().get(b).size()) {
                        long[] moved = best.clone();
                        moved[a]--;
                        moved[b]++;
                        assertThat(mine).isLessThanOrEqualTo(relativeRise(dense, obd, moved) + 1e-6);
                    }
                }
            }
        }
    }

    @Test
    void erkKeepsSmallLayersDenser() {
        long[] keep = new ErkAllocator().keep(dense, magnitude, 0.9, PluginOptions.none("erk"));
        List<ParamTensor> w = dense.weights();
        double firstDensity = (double) keep[0] / w.get(0).size();
        double lastDensity = (double) keep[2] / w.get(2).size();
        assertThat(lastDensity).isGreaterThan(firstDensity);
        // density ratio follows (n_in + n_out) / (n_in n_out) while no layer is capped
        double expected = (20.0 + 6) / (20 * 6) / ((70.0 + 40) / (70 * 40));
        assertThat(lastDensity / firstDensity).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.15 * expected));
    }

    @Test
    void lampScoresAreOneForTheLargestWeightOfEveryLayer() {
        Saliency s = LampAllocator.scores(dense);
        for (ParamTensor w : dense.weights()) {
            int argmax = 0;
            for (int i = 1; i < w.size(); i++) {
                if (Math.abs(w.values()[i]) > Math.abs(w.values()[argmax])) {
                    argmax = i;
                }
            }
            assertThat(s.values().get(w.name())[argmax]).isEqualTo(1f);
        }
        // LAMP never empties a layer: the largest weight of each layer outranks everything below 1.
        long[] keep = new LampAllocator().keep(dense, magnitude, 0.999, PluginOptions.none("lamp"));
        for (long k : keep) {
            assertThat(k).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void allocationsRespectEarlierPruning() {
        Checkpoint pruned = Checkpoints.applyMasks(dense, new LayerwisePruner().prune(dense, magnitude,
                new io.crespr.shared.spi.PruneRequest(0.9, PluginOptions.none("l"), new ErkAllocator(),
                        PluginOptions.none("erk"), 1)), dense.provenance());
        long[] cap = Allocations.currentlyKept(pruned);
        long[] keep = new UniformAllocator().keep(pruned, magnitude, 0.95, PluginOptions.none("uniform"));
        for (int l = 0; l < keep.length; l++) {
            assertThat(keep[l]).isLessThanOrEqualTo(cap[l]);
        }
        assertThat(sum(keep)).isEqualTo(dense.prunableCount() - Math.round(0.95 * dense.prunableCount()));
    }

    @Test
    void fixedCountsAreCheckedAndUsed() {
        long total = dense.prunableCount() - Math.round(0.9 * dense.prunableCount());
        String counts = (total - 130) + ",100,30";
        long[] keep = new FixedAllocator().keep(dense, magnitude, 0.9,
                new PluginOptions("fixed", Map.of("keep", "0.5=1,1,1;0.9=" + counts)));
        assertThat(keep).containsExactly(total - 130, 100, 30);
        assertThatThrownBy(() -> new FixedAllocator().keep(dense, magnitude, 0.9,
                new PluginOptions("fixed", Map.of("keep", "1,2,3")))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("counts sum to 6");
        assertThatThrownBy(() -> new FixedAllocator().keep(dense, magnitude, 0.95,
                new PluginOptions("fixed", Map.of("keep", "0.9=" + counts)))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no counts for sparsity 0.95");
    }
}
