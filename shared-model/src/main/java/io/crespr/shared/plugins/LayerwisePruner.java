package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code layerwise}: the plan's allocation plugin decides how many weights each layer keeps,
 * then weights compete by saliency within their layer only (so saliencies need not be
 * comparable across layers). The total is exact.
 */
public final class LayerwisePruner implements Pruner {

    @Override
    public String name() {
        return "layerwise";
    }

    @Override
    public String description() {
        return "per-layer budgets from the allocation plugin, ranked within each layer";
    }

    @Override
    public Map<String, Mask> prune(Checkpoint c, Saliency saliency, PruneRequest request) {
        long[] keep = request.allocator().keep(c, saliency, request.targetSparsity(), request.allocatorOptions());
        Map<String, Mask> masks = new LinkedHashMap<>();
        List<ParamTensor> weights = c.weights();
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            boolean[] k = c.mask(w.name()).keep().clone();
            Pruning.pruneWithin(k, Pruning.saliencyOf(saliency, w), w.size() - keep[l]);
            masks.put(w.name(), new Mask(w.name(), k));
        }
        return masks;
    }
}
