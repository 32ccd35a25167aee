package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sensitivity}: per-layer budgets from each layer's predicted loss rise. With a
 * second-order scorer ({@code obd}, {@code obs}) a weight's saliency is the rise of its layer's
 * reconstruction loss when it is removed, in that layer's own output units; dividing by the
 * layer's total (the rise if every surviving weight went) makes it the layer's <i>relative</i>
 * predicted rise, which is comparable across layers. One global ranking of that share then
 * keeps the weights whose removal would cost their layer most, which greedily minimises the sum
 * of the layers' relative predicted rises for the given total. With {@code magnitude} the
 * saliency |w| is squared first (the quadratic model with H = I).
 */
public final class SensitivityAllocator implements Allocator {

    @Override
    public String name() {
        return "sensitivity";
    }

    @Override
    public String description() {
        return "counts that minimise the layers' summed relative predicted loss rise (Hessian saliency / layer total)";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        return new GlobalAllocator().keep(c, relative(c, saliency), target, options);
    }

    /** Each surviving weight's share of its layer's predicted rise (0 for pruned weights). */
    static Saliency relative(Checkpoint c, Saliency saliency) {
        boolean square = "magnitude".equals(saliency.scorer());
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParamTensor w : c.weights()) {
            float[] s = saliency.values().get(w.name());
            if (s == null || s.length != w.size()) {
                throw new io.crespr.shared.InvalidInputException("sensitivity allocation needs a saliency of "
                        + w.size() + " values for " + w.name());
            }
            boolean[] keep = c.mask(w.name()).keep();
            double total = 0;
            double[] rise = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                if (keep[i]) {
                    double v = Math.max(0, s[i]);
                    rise[i] = square ? v * v : v;
                    total += rise[i];
                }
            }
            float[] share = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                share[i] = keep[i] && total > 0 ? (float) (rise[i] / total) : 0f;
            }
            out.put(w.name(), share);
        }
        return new Saliency("sensitivity", out);
    }
}
