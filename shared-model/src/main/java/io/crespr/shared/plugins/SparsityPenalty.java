package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.TrainRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sparsity-promoting fine-tuning: an L1 penalty {@code λ_r · Σ c_i |w_i|} added to the mean
 * loss, where {@code λ_r} grows linearly with the pruning round ({@code λ · r / R}, option
 * {@code l1Growth=linear}, or stays at {@code λ} with {@code constant}) and {@code c_i} is 1 on
 * intra-module weights and {@code l1Inter} on inter-module ones ({@code l1Scope=all}), or 0 and
 * 1 ({@code l1Scope=inter}). Biases are not penalised. Trainer options: {@code l1},
 * {@code l1Growth}, {@code l1Scope}, {@code l1Inter}.
 */
final class SparsityPenalty {

    /** Per-parameter coefficients in {@code net.params()} layout, times the round's λ. */
    private final INDArray coefficients;

    private SparsityPenalty(INDArray coefficients) {
        this.coefficients = coefficients;
    }

    /** Checks the penalty options (the trainers call it before any work). */
    static void checkSettings(io.crespr.shared.spi.PluginOptions o) {
        double l1 = o.number("l1", 0);
        if (l1 < 0) {
            throw new InvalidInputException("trainer option l1 must be >= 0, got " + l1);
        }
        String growth = o.string("l1Growth", "linear");
        if (!growth.equals("linear") && !growth.equals("constant")) {
            throw new InvalidInputException("trainer option l1Growth must be linear or constant, got '" + growth + "'");
        }
        String scope = o.string("l1Scope", "all");
        if (!scope.equals("all") && !scope.equals("inter")) {
            throw new InvalidInputException("trainer option l1Scope must be all or inter, got '" + scope + "'");
        }
        if (o.number("l1Inter", 1) < 0) {
            throw new InvalidInputException("trainer option l1Inter must be >= 0, got " + o.number("l1Inter", 1));
        }
    }

    /** The penalty a request asks for, or {@code null} when it asks for none. */
    static SparsityPenalty of(Checkpoint c, MultiLayerNetwork net, TrainRequest req) {
        checkSettings(req.options());
        double l1 = req.options().number("l1", 0);
        double lambda = req.options().string("l1Growth", "linear").equals("constant") ? l1
                : l1 * Math.min(1.0, (double) req.round() / Math.max(1, req.rounds()));
        if (lambda == 0) {
            return null;
        }
        String scope = req.options().string("l1Scope", "all");
        double inter = req.options().number("l1Inter", 1);
        boolean modules = !c.modules().isEmpty();
        Map<String, float[]> coef = new LinkedHashMap<>();
        List<ParamTensor> weights = c.weights();
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            int[] module = modules ? ModuleStructure.moduleOfWeights(c, c.modules(), l) : null;
            float[] v = new float[w.size()];
            for (int i = 0; i < v.length; i++) {
                boolean isInter = module != null && module[i] < 0;
                double base = scope.equals("all") ? (isInter ? inter : 1) : (isInter ? 1 : 0);
                v[i] = (float) (lambda * base);
            }
            coef.put(w.name(), v);
        }
        return new SparsityPenalty(Networks.flat(net, coef, 0f));
    }

    /**
     * Adds the penalty's subgradient to DL4J's gradient view, which holds the minibatch SUM of
     * per-example gradients (the updater divides by the batch size), hence the factor.
     */
    void addTo(INDArray gradient, INDArray params, long batchSize) {
        gradient.addi(Transforms.sign(params, true).muli(coefficients).muli(batchSize));
    }
}
