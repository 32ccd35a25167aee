package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
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
 * {@code global}: one ranking of every prunable weight across layers; exactly
 * {@code round(target * total)} weights end up pruned.
 */
public final class GlobalPruner implements Pruner {

    @Override
    public String name() {
        return "global";
    }

    @Override
    public String description() {
        return "one saliency ranking across all layers; exact total sparsity";
    }

    @Override
    public Map<String, Mask> prune(Checkpoint c, Saliency saliency, PruneRequest request) {
        double target = request.targetSparsity();
        List<ParamTensor> weights = c.weights();
        long total = c.prunableCount();
        if (total > Integer.MAX_VALUE) {
            throw new InvalidInputException("global pruning supports at most 2^31 weights, got " + total);
        }
        // One array over all layers, ranked once, then cut back into layers.
        boolean[] keep = new boolean[(int) total];
        float[] s = new float[(int) total];
        int offset = 0;
        for (ParamTensor w : weights) {
            System.arraycopy(c.mask(w.name()).keep(), 0, keep, offset, w.size());
            System.arraycopy(Pruning.saliencyOf(saliency, w), 0, s, offset, w.size());
            offset += w.size();
        }
        Pruning.pruneWithin(keep, s, Pruning.prunedCount(target, total));
        Map<String, Mask> masks = new LinkedHashMap<>();
        offset = 0;
        for (ParamTensor w : weights) {
            masks.put(w.name(), new Mask(w.name(), java.util.Arrays.copyOfRange(keep, offset, offset + w.size())));
            offset += w.size();
        }
        return masks;
    }
}
