package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cluster-restricted}: CRESPR's pruning step. The allocation plugin gives each layer its
 * budget; connections between modules go first, so that at most {@code floor(interBudget ·
 * kept)} of a layer's surviving weights are inter-module (the most salient of them); inside
 * modules, weights compete by saliency. Without a module map it is {@code layerwise}. Option
 * {@code interBudget} (default 0.05), in [0, 1].
 */
public final class ClusterRestrictedPruner implements Pruner {

    @Override
    public String name() {
        return "cluster-restricted";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("interBudget");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Pruner.super.checkOptions(options);
        budget(options);
    }

    @Override
    public String description() {
        return "inter-module weights pruned first (option interBudget caps their share), then by saliency";
    }

    @Override
    public Map<String, Mask> prune(Checkpoint c, Saliency saliency, PruneRequest request) {
        double budget = budget(request.options());
        if (c.modules().isEmpty()) {
            return new LayerwisePruner().prune(c, saliency, request);
        }
        ModuleStructure.check(c, c.modules());
        long[] keep = request.allocator().keep(c, saliency, request.targetSparsity(), request.allocatorOptions());
        Map<String, Mask> masks = new LinkedHashMap<>();
        List<ParamTensor> weights = c.weights();
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            boolean[] k = c.mask(w.name()).keep().clone();
            int[] module = ModuleStructure.moduleOfWeights(c, c.modules(), l);
            float[] s = Pruning.saliencyOf(saliency, w);
            // One pass: the surviving inter-module weights, and how many of each kind survive.
            boolean[] inter = new boolean[k.length];
            long intra = 0;
            long interKept = 0;
            for (int i = 0; i < k.length; i++) {
                inter[i] = k[i] && module[i] < 0;
                interKept += inter[i] ? 1 : 0;
                intra += k[i] && module[i] >= 0 ? 1 : 0;
            }
            // When the modules hold fewer weights than the budget, the best inter-module ones fill the rest.
            long interAllowed = Math.max((long) Math.floor(budget * keep[l]), keep[l] - intra);
            // First cut the inter-module weights down to the budget, then rank everything left.
            Pruning.pruneWithin(inter, s, inter.length - Math.min(interAllowed, interKept));
            for (int i = 0; i < k.length; i++) {
                if (module[i] < 0) {
                    k[i] = inter[i];
                }
            }
            Pruning.pruneWithin(k, s, w.size() - keep[l]);
            masks.put(w.name(), new Mask(w.name(), k));
        }
        return masks;
    }

    private static double budget(io.crespr.shared.spi.PluginOptions options) {
        double budget = options.number("interBudget", 0.05);
        if (!(budget >= 0 && budget <= 1)) {
            throw new InvalidInputException("cluster-restricted option interBudget must be in [0, 1], got " + budget);
        }
        return budget;
    }
}
