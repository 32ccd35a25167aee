package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Saliency;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PrunersTest {

    private final DataSplit data = Fixtures.synthetic(1);
    private final Checkpoint dense = Fixtures.mlp("mlp:37,11", data, 2);

    static PruneRequest req(double target) {
        return new PruneRequest(target, PluginOptions.none("global"), new UniformAllocator(),
                PluginOptions.none("uniform"), 1);
    }

    private Saliency magnitude(Checkpoint c) {
        return new MagnitudeScorer().score(c, data, PluginOptions.none("magnitude"), 0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.1234, 0.5, 0.9, 0.99, 0.998, 0.9999})
    void globalReachesTheExactCountToTheWeight(double target) {
        Map<String, Mask> masks = new GlobalPruner().prune(dense, magnitude(dense), req(target));
        long pruned = masks.values().stream().mapToLong(Mask::prunedCount).sum();
        assertThat(pruned).isEqualTo(Math.round(target * dense.prunableCount()));
        Checkpoint c = Checkpoints.applyMasks(dense, masks, dense.provenance());
        long zeros = c.weights().stream().flatMap(w -> {
            java.util.List<Float> l = new java.util.ArrayList<>();
            for (float v : w.values()) {
                l.add(v);
            }
            return l.stream();
        }).filter(v -> v == 0f).count();
        assertThat(zeros).isEqualTo(pruned);
    }

    @Test
    void globalMagnitudeKeepsTheLargestWeights() {
        Map<String, Mask> masks = new GlobalPruner().prune(dense, magnitude(dense), req(0.7));
        float maxPruned = 0;
        float minKept = Float.MAX_VALUE;
        for (ParamTensor w : dense.weights()) {
            Mask m = masks.get(w.name());
            for (int i = 0; i < w.size(); i++) {
                float a = Math.abs(w.values()[i]);
                if (m.keep()[i]) {
                    minKept = Math.min(minKept, a);
                } else {
                    maxPruned = Math.max(maxPruned, a);
                }
            }
        }
        assertThat(maxPruned).isLessThanOrEqualTo(minKept);
    }

    @Test
    void pruningIsMonotoneAcrossRounds() {
        Checkpoint c = dense;
        Map<String, Mask> previous = null;
        for (double s : new double[] {0.3, 0.6, 0.9}) {
            // random saliency each round: the new mask must still contain every earlier pruning
            Saliency sal = new RandomScorer().score(c, data, PluginOptions.none("random"), (long) (s * 100));
            Map<String, Mask> masks = new GlobalPruner().prune(c, sal, req(s));
            if (previous != null) {
                for (var e : previous.entrySet()) {
                    boolean[] before = e.getValue().keep();
                    boolean[] now = masks.get(e.getKey()).keep();
                    for (int i = 0; i < before.length; i++) {
                        if (!before[i]) {
                            assertThat(now[i]).isFalse();
                        }
                    }
                }
            }
            c = Checkpoints.applyMasks(c, masks, c.provenance());
            assertThat(c.sparsity() * c.prunableCount()).isEqualTo((double) Math.round(s * c.prunableCount()));
            previous = masks;
        }
    }

    @Test
    void layerwiseIsExactInEveryLayerAndHonoursTheOutputCap() {
        PruneRequest uniform = new PruneRequest(0.95, PluginOptions.none("layerwise"), new UniformAllocator(),
                PluginOptions.none("uniform"), 1);
        Map<String, Mask> masks = new LayerwisePruner().prune(dense, magnitude(dense), uniform);
        var weights = dense.weights();
        long total = 0;
        for (ParamTensor w : weights) {
            // each layer within one weight of the uniform share, the total exact
            assertThat((double) masks.get(w.name()).prunedCount()).as(w.name()).isCloseTo(0.95 * w.size(),
                    org.assertj.core.data.Offset.offset(1.0));
            total += masks.get(w.name()).prunedCount();
        }
        assertThat(total).isEqualTo(Math.round(0.95 * dense.prunableCount()));
        PruneRequest capped = new PruneRequest(0.95, PluginOptions.none("layerwise"), new UniformAllocator(),
                new PluginOptions("uniform", Map.of("maxLast", "0.9")), 1);
        masks = new LayerwisePruner().prune(dense, magnitude(dense), capped);
        ParamTensor last = weights.get(weights.size() - 1);
        assertThat(masks.get(last.name()).sparsity()).isLessThanOrEqualTo(0.9);
        assertThat(masks.values().stream().mapToLong(Mask::prunedCount).sum())
                .isEqualTo(Math.round(0.95 * dense.prunableCount()));
    }

    @Test
    void impossibleSparsityIsRejected() {
        assertThatThrownBy(() -> new GlobalPruner().prune(dense, magnitude(dense), req(1.0)))
                .isInstanceOf(InvalidInputException.class).hasMessage("sparsity must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> req(-0.1)).isInstanceOf(InvalidInputException.class).hasMessageContaining("got -0.1");
    }

    @Test
    void saliencyOrderSortsNegativeZeroAndPositiveFloats() {
        float[] v = {3f, -1f, 0f, -0f, 2.5f, -7f, Float.MIN_VALUE};
        long[] keys = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            keys[i] = SaliencyOrder.key(v[i], i);
        }
        SaliencyOrder.ascending(keys);
        float previous = Float.NEGATIVE_INFINITY;
        for (long k : keys) {
            float f = v[SaliencyOrder.position(k)];
            assertThat(f).isGreaterThanOrEqualTo(previous);
            previous = f;
        }
    }
}
