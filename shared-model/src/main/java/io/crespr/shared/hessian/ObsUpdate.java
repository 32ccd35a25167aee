package io.crespr.shared.hessian;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The optimal brain surgeon's weight update for a whole new mask, layer-wise: every output row
 * j keeps the inputs S its mask keeps, and those weights are re-fitted so the layer reproduces
 * its old output as well as possible on the calibration data,
 * {@code w_S = argmin ‖X w_S − X w_old‖²}, i.e. {@code H_SS w_S = H_{S,:} w_old} (Hassibi and
 * Stork 1993; layer-wise as in Dong et al. 2017, L-OBS, and Frantar and Alistarh 2022, OBC,
 * which solves the same problem exactly per row). H is damped ({@code H + δI}, see
 * {@link LayerHessian}), which adds a ridge {@code δ‖w_S − w_S,old‖²} and keeps every solve
 * well posed.
 *
 * <p><b>Cost.</b> Each row is solved one of two equivalent ways, whichever is smaller:
 * on the kept set, a Cholesky of {@code H_SS} ({@code |S|³/6}) plus {@code |S|·d} for the right
 * side; or on the pruned set P through the layer's inverse,
 * {@code δw = −H⁻¹_{:,P} (H⁻¹_{PP})⁻¹ w_P} ({@code |P|³/6 + |P|·d}, plus one {@code d³/2}
 * inverse per layer when any row needs it). Rows with the same mask share one factorisation
 * (module- or channel-structured masks repeat row patterns), and distinct patterns run in
 * parallel. So a row costs about {@code min(|S|,|P|)³/6}: very sparse and very dense rows
 * are cheap, and the worst case is half-pruned rows of a wide layer (784 inputs, 300 rows at
 * 50 %: about 300 × 392³/6 ≈ 6·10⁹ flops, seconds on two cores). The predicted loss rise costs
 * {@code d²} per changed row.
 */
public final class ObsUpdate {

    private ObsUpdate() {
    }

    /**
     * A re-fitted weight array and what it costs.
     *
     * @param weights     the new weights, exactly 0 where the mask prunes
     * @param rowLossRise per output row j, {@code ½ δw_jᵀ H δw_j} with the undamped H: the rise of
     *                    the row's reconstruction error {@code ½·mean‖X w_new − X w_old‖²} on
     *                    the calibration data
     * @param lossRise    the sum over rows: the layer's predicted reconstruction loss rise
     */
    public record Result(ParamTensor weights, double[] rowLossRise, double lossRise) {
    }

    /**
     * Re-fits one weight array under a new mask.
     *
     * @param w    the old weights ({@code [nIn, nOut]} or {@code [nOut, C, kh, kw]})
     * @param keep the new mask, in w's value order; pruned weights come back as exactly 0
     * @param h    the layer's Hessian on the same inputs as w (see {@link WeightLayout})
     */
    public static Result refit(ParamTensor w, boolean[] keep, LayerHessian h) {
        WeightLayout layout = WeightLayout.of(w);
        if (keep.length != w.size()) {
            throw new InvalidInputException("mask of " + w.name() + " has " + keep.length + " entries, the weight has "
                    + w.size());
        }
        if (h.dim() != layout.inputs()) {
            throw new InvalidInputException("Hessian of dimension " + h.dim() + " does not fit " + w.name() + " with "
                    + layout.inputs() + " inputs");
        }
        int d = layout.inputs();
        int outputs = layout.outputs();
        float[] old = w.values();
        // Rows with the same kept set share one factorisation.
        Map<BitSet, List<Integer>> groups = new LinkedHashMap<>();
        for (int j = 0; j < outputs; j++) {
            BitSet s = new BitSet(d);
            for (int q = 0; q < d; q++) {
                if (keep[layout.index(q, j)]) {
                    s.set(q);
                }
            }
            groups.computeIfAbsent(s, k -> new ArrayList<>()).add(j);
        }
        List<BitSet> patterns = new ArrayList<>(groups.keySet());
        boolean needsInverse = patterns.stream().anyMatch(s -> {
            int kept = s.cardinality();
            return kept > d - kept && kept < d;
        });
        double[] hd = h.matrixView();
        double delta = h.dampingAdded();
        double[] inv = needsInverse ? h.inverseView() : null;
        double[][] newRows = new double[outputs][];
        IntStream.range(0, patterns.size()).parallel().forEach(g -> {
            BitSet s = patterns.get(g);
            List<Integer> rowsOfPattern = groups.get(s);
            int[] kept = s.stream().toArray();
            int[] pruned = s.previousClearBit(d - 1) < 0 ? new int[0]
                    : IntStream.range(0, d).filter(q -> !s.get(q)).toArray();
            if (pruned.length == 0) {
                for (int j : rowsOfPattern) {
                    newRows[j] = layout.row(old, j);
                }
            } else if (kept.length == 0) {
                for (int j : rowsOfPattern) {
                    newRows[j] = new double[d];
                }
            } else if (kept.length <= pruned.length) {
                solveOnKept(hd, delta, d, kept, pruned, rowsOfPattern, layout, old, newRows);
            } else {
                solveOnPruned(inv, d, pruned, rowsOfPattern, layout, old, newRows);
            }
        });
        float[] values = new float[w.size()];
        double[] rise = new double[outputs];
        IntStream.range(0, outputs).parallel().forEach(j -> {
            double[] r = newRows[j];
            double[] dw = new double[d];
            boolean changed = false;
            for (int q = 0; q < d; q++) {
                int i = layout.index(q, j);
                float v = keep[i] ? (float) r[q] : 0f;
                values[i] = v;
                // The rise is measured on the float weights actually returned.
                dw[q] = (double) v - old[i];
                changed |= dw[q] != 0;
            }
            rise[j] = changed ? 0.5 * quadratic(hd, d, dw) : 0;
        });
        double total = 0;
        for (double r : rise) {
            total += r;
        }
        return new Result(w.withValues(values), rise, total);
    }

    /** Re-fits every weight that has both a mask in {@code masks} and a Hessian in {@code hessians}. */
    public static Map<String, Result> refitAll(List<ParamTensor> weights, Map<String, Mask> masks,
            Map<String, LayerHessian> hessians) {
        Map<String, Result> out = new LinkedHashMap<>();
        for (ParamTensor w : weights) {
            Mask m = masks.get(w.name());
            LayerHessian h = hessians.get(w.name());
            if (m != null && h != null) {
                out.put(w.name(), refit(w, m.keep(), h));
            }
        }
        return out;
    }

    /** {@code (H_SS + δI) w_S = H_{S,:} w_old + δ w_S,old}, i.e. {@code w_S = w_S,old + (H_SS+δI)⁻¹ H_SP w_P}. */
    private static void solveOnKept(double[] h, double delta, int d, int[] kept, int[] pruned, List<Integer> rows,
            WeightLayout layout, float[] old, double[][] out) {
        int k = kept.length;
        double[] hss = new double[k * k];
        for (int a = 0; a < k; a++) {
            int ra = kept[a] * d;
            for (int b = 0; b < k; b++) {
                hss[a * k + b] = h[ra + kept[b]];
            }
        }
        CholeskyFactor f = factorOrDamp(hss, k, delta);
        for (int j : rows) {
            double[] wOld = layout.row(old, j);
            double[] rhs = new double[k];
            for (int a = 0; a < k; a++) {
                int ra = kept[a] * d;
                double s = 0;
                for (int p : pruned) {
                    s += h[ra + p] * wOld[p];
                }
                rhs[a] = s;
            }
            f.solveInPlace(rhs);
            double[] r = new double[d];
            for (int a = 0; a < k; a++) {
                r[kept[a]] = wOld[kept[a]] + rhs[a];
            }
            out[j] = r;
        }
    }

    /** OBS on the pruned set: {@code δw = −H⁻¹_{:,P} (H⁻¹_{PP})⁻¹ w_P}, with the damped inverse. */
    private static void solveOnPruned(double[] inv, int d, int[] pruned, List<Integer> rows, WeightLayout layout,
            float[] old, double[][] out) {
        int p = pruned.length;
        double[] ipp = new double[p * p];
        for (int a = 0; a < p; a++) {
            int ra = pruned[a] * d;
            for (int b = 0; b < p; b++) {
                ipp[a * p + b] = inv[ra + pruned[b]];
            }
        }
        CholeskyFactor f = factorOrDamp(ipp, p, 0);
        for (int j : rows) {
            double[] wOld = layout.row(old, j);
            double[] y = new double[p];
            for (int a = 0; a < p; a++) {
                y[a] = wOld[pruned[a]];
            }
            f.solveInPlace(y);
            double[] r = wOld.clone();
            // H⁻¹ is symmetric: its column p is its (contiguous) row p, so this is a sum of axpys.
            for (int a = 0; a < p; a++) {
                double c = y[a];
                int rp = pruned[a] * d;
                for (int q = 0; q < d; q++) {
                    r[q] -= c * inv[rp + q];
                }
            }
            out[j] = r;
        }
    }

    /** Factor with δ; should rounding still leave a pivot ≤ 0, add the least damping that fixes it. */
    private static CholeskyFactor factorOrDamp(double[] a, int n, double delta) {
        CholeskyFactor f = CholeskyFactor.factor(a, n, delta, 0);
        double mean = meanDiagonal(a, n);
        double extra = 1e-12 * (mean > 0 ? mean : 1);
        for (int tries = 0; f == null && tries < 40; tries++, extra *= 10) {
            f = CholeskyFactor.factor(a, n, delta + extra, 0);
        }
        if (f == null) {
            throw new IllegalStateException("sub-Hessian of dimension " + n + " stays indefinite under damping");
        }
        return f;
    }

    private static double meanDiagonal(double[] a, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i * n + i];
        }
        return n == 0 ? 0 : s / n;
    }

    private static double quadratic(double[] h, int d, double[] v) {
        double s = 0;
        for (int a = 0; a < d; a++) {
            if (v[a] != 0) {
                s += v[a] * CholeskyFactor.dot(h, a * d, v, 0, d);
            }
        }
        return s;
    }
}
