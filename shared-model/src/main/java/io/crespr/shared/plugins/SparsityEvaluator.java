package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sparsity}: exact per-layer and total sparsity of the prunable weights, counted from the
 * values (a weight is pruned when it is exactly zero) and from the masks. Keys:
 * {@code sparsity}, {@code prunedWeights}, {@code prunableWeights}, {@code layerSparsity}
 * (param name → share of zeros), {@code layerKept} (param name → weights the mask keeps),
 * {@code maskSparsity}.
 */
public final class SparsityEvaluator implements Evaluator {

    @Override
    public String name() {
        return "sparsity";
    }

    @Override
    public String description() {
        return "exact per-layer and total sparsity of the weights";
    }

    @Override
    public Map<String, Object> evaluate(Checkpoint c, DataSplit data, PluginOptions options) {
        Map<String, Double> layers = new LinkedHashMap<>();
        Map<String, Integer> kept = new LinkedHashMap<>();
        long zeros = 0;
        long total = 0;
        for (ParamTensor w : c.weights()) {
            long z = 0;
            for (float v : w.values()) {
                z += v == 0f ? 1 : 0;
            }
            layers.put(w.name(), (double) z / w.size());
            kept.put(w.name(), c.mask(w.name()).keptCount());
            zeros += z;
            total += w.size();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sparsity", total == 0 ? 0.0 : (double) zeros / total);
        m.put("maskSparsity", c.sparsity());
        m.put("prunedWeights", zeros);
        m.put("prunableWeights", total);
        m.put("layerSparsity", layers);
        m.put("layerKept", kept);
        return m;
    }
}
