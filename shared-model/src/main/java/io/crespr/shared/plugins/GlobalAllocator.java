package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Saliency;
import java.util.Map;

/** {@code global}: the per-layer counts that one ranking of the saliency across layers gives. */
public final class GlobalAllocator implements Allocator {

    @Override
    public String name() {
        return "global";
    }

    @Override
    public String description() {
        return "counts from one saliency ranking across layers";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        Map<String, Mask> masks = new GlobalPruner().prune(c, saliency,
                new PruneRequest(target, PluginOptions.none("global"), this, options, 0));
        return c.weights().stream().mapToLong(w -> masks.get(w.name()).keptCount()).toArray();
    }
}
