package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.Locale;

/**
 * {@code fixed}: per-layer counts given by the plan, for controls that copy another run's
 * allocation (the {@code layer-matched} baseline). Option {@code keep}: either one list
 * {@code "a,b,c"} of kept weights per layer, or one list per target,
 * {@code "0.9=a,b,c;0.99=d,e,f"}; each list must sum to the target's kept total.
 */
public final class FixedAllocator implements Allocator {

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("keep");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Allocator.super.checkOptions(options);
        // the counts are checked against the network when it is pruned
    }

    @Override
    public String description() {
        return "per-layer kept counts given in the plan (option keep)";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        String spec = options.string("keep", null);
        if (spec == null) {
            throw new InvalidInputException("allocation fixed needs option keep (e.g. keep=\"2450,1780,107\")");
        }
        String list = spec;
        if (spec.contains("=")) {
            list = null;
            for (String part : spec.split(";")) {
                String[] kv = part.split("=", 2);
                if (kv.length == 2 && Math.abs(Double.parseDouble(kv[0].trim()) - target) < 1e-9) {
                    list = kv[1];
                }
            }
            if (list == null) {
                throw new InvalidInputException("allocation fixed has no counts for sparsity "
                        + String.format(Locale.ROOT, "%s", target) + " in '" + spec + "'");
            }
        }
        String[] parts = list.split(",");
        int layers = c.weights().size();
        if (parts.length != layers) {
            throw new InvalidInputException("allocation fixed: " + parts.length + " counts for " + layers
                    + " weight layers in '" + list + "'");
        }
        long[] keep = new long[layers];
        long[] cap = Allocations.currentlyKept(c);
        long sum = 0;
        for (int l = 0; l < layers; l++) {
            try {
                keep[l] = Long.parseLong(parts[l].trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("allocation fixed: '" + parts[l] + "' is not a count");
            }
            if (keep[l] < 0 || keep[l] > cap[l]) {
                throw new InvalidInputException("allocation fixed: layer " + l + " cannot keep " + keep[l]
                        + " weights (" + cap[l] + " remain)");
            }
            sum += keep[l];
        }
        long total = Allocations.keptTotal(c, target);
        if (sum != total) {
            throw new InvalidInputException("allocation fixed: counts sum to " + sum + ", sparsity " + target
                    + " keeps " + total);
        }
        return keep;
    }
}
