package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.hessian.LayerHessian;
import io.crespr.shared.hessian.OffBlockShare;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hessian-blocks}: the paper's claim that modules make the Hessian block-structured, as
 * numbers. For every layer, the layer-wise Hessian {@code H = XᵀX/n} of its inputs on
 * calibration data, and the share of {@code ‖H‖²_F} outside the module blocks of its inputs,
 * beside the same share for random partitions of equal sizes (a block structure shows as an
 * observed share well below the random one). Only with a module map. Keys:
 * {@code hessianOffBlockShare} (param → observed, randomMean, randomStd), {@code hessianDamped}
 * (param → whether H needed damping to be positive definite). Options: {@code samples}
 * (default 5000), {@code randomPartitions} (default 20).
 */
public final class HessianBlocksEvaluator implements Evaluator {

    @Override
    public String name() {
        return "hessian-blocks";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("samples", "randomPartitions");
    }

    @Override
    public void checkOptions(PluginOptions options) {
        Evaluator.super.checkOptions(options);
        if (options.integer("samples", 5000) < 1 || options.integer("randomPartitions", 20) < 0) {
            throw new io.crespr.shared.InvalidInputException("hessian-blocks options samples must be >= 1 and "
                    + "randomPartitions >= 0, got " + options.values());
        }
    }

    @Override
    public String description() {
        return "off-block Hessian mass of the module partition against random partitions, per layer";
    }

    @Override
    public Map<String, Object> evaluate(Checkpoint c, DataSplit data, PluginOptions options) {
        if (c.modules().isEmpty()) {
            return Map.of();
        }
        // Convolution patches make every sample hundreds of rows: fewer samples give as many rows.
        boolean conv = io.crespr.shared.hessian.WeightLayout.anyConvolution(c);
        int samples = options.integer("samples", conv ? 1000 : 5000);
        int random = options.integer("randomPartitions", 20);
        Map<String, LayerHessian> hessians = LayerHessian.collect(c, data.train(), samples,
                LayerHessian.DEFAULT_DAMPING, 17);
        Map<String, Object> share = new LinkedHashMap<>();
        Map<String, Object> damped = new LinkedHashMap<>();
        List<ParamTensor> weights = c.weights();
        for (int l = 0; l < weights.size(); l++) {
            String name = weights.get(l).name();
            LayerHessian h = hessians.get(name);
            OffBlockShare s = h.offBlockShare(ModuleStructure.inputPartition(c, c.modules(), l), random, 31L + l);
            share.put(name, Map.of("observed", s.observed(), "randomMean", s.randomMean(), "randomStd", s.randomStd()));
            damped.put(name, h.singular());
        }
        return Map.of("hessianOffBlockShare", share, "hessianDamped", damped);
    }
}
