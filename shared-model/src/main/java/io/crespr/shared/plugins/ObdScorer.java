package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.hessian.LayerHessian;
import io.crespr.shared.hessian.WeightLayout;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Scorer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code obd}: Optimal Brain Damage saliency (LeCun, Denker and Solla 1990), layer-wise: for the
 * weight from input q to output j,
 * <pre>    s_qj = ½ · h_qq · w_qj²,     h_qq = mean x_q²,</pre>
 * where {@code h_qq} is the diagonal of the layer Hessian {@code H = XᵀX / n} — for a linear
 * layer's reconstruction loss {@code ½·mean‖X w − X w_old‖²} exactly OBD's diagonal Hessian
 * term. X is the layer's input on calibration samples of the training split
 * ({@link io.crespr.shared.hessian.LayerInputs}); for a convolution q is the patch entry.
 * Unlike {@link ObsScorer} there is no re-fit of the other weights and no inverse.
 *
 * <p>Option: {@code calibration} — samples (default 10,000). Already-pruned weights get 0.
 *
 * <p><b>Saliencies are not comparable across layers</b> (each is in its own layer's output
 * units): use a pruner that ranks within layers or allocates per layer.
 */
public final class ObdScorer implements Scorer {

    @Override
    public String name() {
        return "obd";
    }

    @Override
    public String description() {
        return "layer-wise OBD: ½ h_qq w² with h_qq = mean x_q² on calibration data (per-layer scale)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("calibration");
    }

    @Override
    public void checkOptions(PluginOptions options) {
        Scorer.super.checkOptions(options);
        ObsScorer.calibration(options);
    }

    @Override
    public Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        int samples = ObsScorer.calibration(options);
        // No inverse is taken, so damping plays no part.
        Map<String, LayerHessian> hessians = LayerHessian.collect(checkpoint, data.train(), samples, 0, seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParamTensor w : checkpoint.weights()) {
            WeightLayout layout = WeightLayout.of(w);
            LayerHessian h = hessians.get(w.name());
            if (h == null || h.dim() != layout.inputs()) {
                throw new InvalidInputException("no layer Hessian of dimension " + layout.inputs() + " for " + w.name());
            }
            double[] diag = h.diagonal();
            boolean[] keep = checkpoint.mask(w.name()).keep();
            float[] v = w.values();
            float[] s = new float[w.size()];
            for (int j = 0; j < layout.outputs(); j++) {
                for (int q = 0; q < layout.inputs(); q++) {
                    int i = layout.index(q, j);
                    s[i] = keep[i] ? (float) (0.5 * diag[q] * v[i] * (double) v[i]) : 0f;
                }
            }
            out.put(w.name(), s);
        }
        return new Saliency(name(), out);
    }
}
