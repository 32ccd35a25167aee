package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.hessian.LayerHessian;
import io.crespr.shared.hessian.LayerInputs;
import io.crespr.shared.hessian.WeightLayout;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Scorer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obs}: layer-wise Optimal Brain Surgeon saliency (Hassibi and Stork 1993, applied per
 * layer as in Dong et al. 2017, L-OBS, and Frantar and Alistarh 2022, OBC). For the weight from
 * input q to output j,
 * <pre>    s_qj = ½ · w_qj² / [H⁻¹]_qq,     H = XᵀX / n + δI,</pre>
 * the rise of the layer's reconstruction error {@code ½·mean‖X w_j − X w_j,old‖²} when the weight
 * is removed and the rest of its row is re-fitted optimally (see
 * {@link io.crespr.shared.hessian.ObsUpdate}). X is the layer's input on calibration samples
 * of the training split ({@link LayerInputs}); for a convolution q is the patch entry
 * (input channel, ky, kx) and n counts samples × output positions.
 *
 * <p>Options: {@code calibration} — samples (default {@value LayerInputs#DEFAULT_SAMPLES});
 * {@code damping} — relative damping λ, δ = λ·mean(diag H) (default
 * {@value LayerHessian#DEFAULT_DAMPING}).
 *
 * <p>With modules (a non-empty {@link ModuleMap}), an intra-module weight of module m uses the
 * inverse of the block {@code H_mm} over m's inputs and the shared ones — its removal is
 * compensated within the module only — and an inter-module weight uses the whole layer's
 * inverse.
 *
 * <p>The inverse is that of the whole layer (or block), not of the row's surviving inputs:
 * for a row that already has pruned weights this is L-OBS's approximation, a lower bound on the
 * exact rise. Already-pruned weights get saliency 0.
 *
 * <p><b>Saliencies are not comparable across layers</b>: each is a reconstruction error in its
 * own layer's output units, unrelated to the network's loss scale. Use a pruner that ranks
 * within layers or allocates a budget per layer (e.g. {@code layerwise}), or normalise first.
 */
public final class ObsScorer implements Scorer {

    @Override
    public String name() {
        return "obs";
    }

    @Override
    public String description() {
        return "layer-wise OBS: ½ w² / [H⁻¹]_qq with H = XᵀX/n on calibration data (per-layer scale)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("calibration", "damping", "refit");
    }

    /** Option {@code refit} (default true): the OBS update of each row's surviving weights after pruning. */
    static boolean refit(PluginOptions options) {
        return io.crespr.shared.modules.ClustererOptions.flag(options, "refit", true);
    }

    /**
     * The OBS update: every row of every weight array re-fitted on its surviving weights to the
     * old row's output on the same calibration samples the saliency used
     * ({@link io.crespr.shared.hessian.ObsUpdate}); pruned weights stay exactly 0.
     */
    @Override
    public Checkpoint update(Checkpoint before, Checkpoint pruned, DataSplit data, PluginOptions options, long seed) {
        if (!refit(options)) {
            return pruned;
        }
        Map<String, LayerHessian> hessians = LayerHessian.collect(before, data.train(), calibration(options),
                damping(options), seed);
        Map<String, io.crespr.shared.hessian.ObsUpdate.Result> refitted =
                io.crespr.shared.hessian.ObsUpdate.refitAll(before.weights(), pruned.masks(), hessians);
        List<ParamTensor> params = pruned.params().stream()
                .map(p -> refitted.containsKey(p.name()) ? refitted.get(p.name()).weights() : p).toList();
        return pruned.withParams(params);
    }

    @Override
    public void checkOptions(PluginOptions options) {
        Scorer.super.checkOptions(options);
        calibration(options);
        damping(options);
        refit(options);
    }

    @Override
    public Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        int samples = calibration(options);
        double damping = damping(options);
        ModuleStructure.check(checkpoint, checkpoint.modules());
        Map<String, LayerHessian> hessians = LayerHessian.collect(checkpoint, data.train(), samples, damping, seed);
        return saliency(checkpoint, hessians);
    }

    /**
     * The OBS saliency of every weight from already computed layer Hessians (by weight name), so a
     * caller that also runs {@link io.crespr.shared.hessian.ObsUpdate} computes them once.
     */
    public static Saliency saliency(Checkpoint checkpoint, Map<String, LayerHessian> hessians) {
        ModuleMap modules = checkpoint.modules();
        List<ParamTensor> weights = checkpoint.weights();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            WeightLayout layout = WeightLayout.of(w);
            LayerHessian h = hessians.get(w.name());
            if (h == null || h.dim() != layout.inputs()) {
                throw new InvalidInputException("no layer Hessian of dimension " + layout.inputs() + " for " + w.name());
            }
            boolean[] keep = checkpoint.mask(w.name()).keep();
            float[] v = w.values();
            float[] s = new float[w.size()];
            if (modules.isEmpty()) {
                double[] inv = h.inverseDiagonal();
                for (int i = 0; i < s.length; i++) {
                    s[i] = keep[i] ? obs(v[i], inv[inputOf(layout, i)]) : 0f;
                }
            } else {
                int[] weightModule = ModuleStructure.moduleOfWeights(checkpoint, modules, l);
                int[] partition = layout.inputModules(modules.assignments().get(l));
                Map<Integer, LayerHessian.Block> blocks = h.blocks(partition, modules.k());
                Map<Integer, double[]> blockInverse = new HashMap<>();
                double[] layerInverse = null;
                for (int i = 0; i < s.length; i++) {
                    if (!keep[i]) {
                        continue;
                    }
                    int q = inputOf(layout, i);
                    int m = weightModule[i];
                    if (m < 0) {
                        if (layerInverse == null) {
                            layerInverse = h.inverseDiagonal();
                        }
                        s[i] = obs(v[i], layerInverse[q]);
                    } else {
                        LayerHessian.Block b = blocks.get(m);
                        double[] inv = blockInverse.computeIfAbsent(m, k -> b.hessian().inverseDiagonal());
                        s[i] = obs(v[i], inv[b.position(q)]);
                    }
                }
            }
            out.put(w.name(), s);
        }
        return new Saliency("obs", out);
    }

    private static int inputOf(WeightLayout layout, int index) {
        return layout.conv() ? index % layout.inputs() : index / layout.outputs();
    }

    private static float obs(float w, double inverseDiagonal) {
        return (float) (0.5 * w * (double) w / inverseDiagonal);
    }

    static int calibration(PluginOptions options) {
        int n = options.integer("calibration", LayerInputs.DEFAULT_SAMPLES);
        if (n < 1) {
            throw new InvalidInputException(options.plugin() + " option calibration must be at least 1 sample, got " + n);
        }
        return n;
    }

    static double damping(PluginOptions options) {
        double d = options.number("damping", LayerHessian.DEFAULT_DAMPING);
        if (d < 0) {
            throw new InvalidInputException(options.plugin() + " option damping must be >= 0, got " + d);
        }
        return d;
    }
}
