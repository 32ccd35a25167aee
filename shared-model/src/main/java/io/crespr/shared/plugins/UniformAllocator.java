package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.List;

/**
 * {@code uniform}: the same sparsity in every layer. Option {@code maxLast} caps the output
 * layer's sparsity (the other layers then prune more, so the total stays exact).
 */
public final class UniformAllocator implements Allocator {

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("maxLast");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Allocator.super.checkOptions(options);
        maxLast(options);
    }

    @Override
    public String description() {
        return "same sparsity in every layer (option maxLast caps the output layer)";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        double maxLast = maxLast(options);
        List<ParamTensor> w = c.weights();
        long total = Allocations.keptTotal(c, target);
        double[] desired = new double[w.size()];
        for (int l = 0; l < desired.length; l++) {
            desired[l] = (1 - target) * w.get(l).size();
        }
        int last = w.size() - 1;
        long lastKept = (long) Math.ceil((1 - Math.min(target, maxLast)) * w.get(last).size());
        long[] cap = Allocations.currentlyKept(c);
        if (maxLast < target && w.size() > 1) {
            // Pin the output layer, share the rest uniformly among the others.
            lastKept = Math.min(lastKept, Math.min(cap[last], total));
            double[] rest = java.util.Arrays.copyOf(desired, last);
            long[] restCap = java.util.Arrays.copyOf(cap, last);
            long[] restKept = Allocations.exact(rest, restCap, total - lastKept);
            long[] out = java.util.Arrays.copyOf(restKept, w.size());
            out[last] = lastKept;
            return out;
        }
        return Allocations.exact(desired, cap, total);
    }

    private static double maxLast(PluginOptions options) {
        double maxLast = options.number("maxLast", 1.0);
        if (!(maxLast >= 0 && maxLast <= 1)) {
            throw new io.crespr.shared.InvalidInputException("uniform option maxLast must be in [0, 1], got " + maxLast);
        }
        return maxLast;
    }
}
