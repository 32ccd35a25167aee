package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code lamp}: layer-adaptive magnitude pruning (Lee et al. 2021). Within a layer, sort the
 * surviving weights by magnitude; weight {@code u}'s LAMP score is
 * {@code w_u² / Σ_{v ≥ u} w_v²} (eq. 2), which is comparable across layers; one global ranking
 * of the scores gives every layer's count.
 */
public final class LampAllocator implements Allocator {

    @Override
    public String name() {
        return "lamp";
    }

    @Override
    public String description() {
        return "layer-adaptive magnitude pruning (Lee et al. 2021) budgets";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        return new GlobalAllocator().keep(c, scores(c), target, options);
    }

    /** LAMP scores of every weight (0 for pruned ones). */
    static Saliency scores(Checkpoint c) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParamTensor w : c.weights()) {
            boolean[] keep = c.mask(w.name()).keep();
            float[] v = w.values();
            int kept = 0;
            for (boolean b : keep) {
                kept += b ? 1 : 0;
            }
            long[] keys = new long[kept];
            int n = 0;
            for (int i = 0; i < v.length; i++) {
                if (keep[i]) {
                    keys[n++] = SaliencyOrder.key(Math.abs(v[i]), i);
                }
            }
            SaliencyOrder.ascending(keys);
            float[] s = new float[v.length];
            double tail = 0;
            // Walk from the largest down, so the denominator is the suffix sum of squares.
            for (int j = kept - 1; j >= 0; j--) {
                int i = SaliencyOrder.position(keys[j]);
                double sq = (double) v[i] * v[i];
                tail += sq;
                s[i] = tail > 0 ? (float) (sq / tail) : 0f;
            }
            out.put(w.name(), s);
        }
        return new Saliency("lamp", out);
    }
}
