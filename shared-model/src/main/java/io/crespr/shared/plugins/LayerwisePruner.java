package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code layerwise}: every weight array pruned to the same sparsity, ranked within the layer;
 * exactly {@code round(target * size)} weights pruned in each layer. Option {@code maxLast}
 * caps the last layer's sparsity (the reference study capped it at 0.9).
 */
public final class LayerwisePruner implements Pruner {

    @Override
    public String name() {
        return "layerwise";
    }

    @Override
    public String description() {
        return "same sparsity in every layer, ranked within the layer (option maxLast caps the output layer)";
    }

    @Override
    public Map<String, Mask> prune(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        double maxLast = options.number("maxLast", 1.0);
        Map<String, Mask> masks = new LinkedHashMap<>();
        var weights = c.weights();
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            double t = l == weights.size() - 1 ? Math.min(target, maxLast) : target;
            boolean[] k = c.mask(w.name()).keep().clone();
            Pruning.pruneWithin(k, Pruning.saliencyOf(saliency, w), Pruning.prunedCount(t, k.length));
            masks.put(w.name(), new Mask(w.name(), k));
        }
        return masks;
    }
}
