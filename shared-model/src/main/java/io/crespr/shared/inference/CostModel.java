package io.crespr.shared.inference;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Nanoseconds per stored weight of each kernel on this machine, for a tile of {@code tb}
 * samples (or, in a convolution, output positions × samples): {@code perWeight + perWeightSample · tb}
 * (the first is the loop and index overhead paid once per weight, the second the multiply-add per
 * sample), and the cost of copying one value into an im2col matrix. {@link #calibrate()} measures
 * them on small synthetic layers at one sample and at a full tile of {@link SparseModel#TILE}, the
 * two tile sizes plans run at most, so the estimates there are measured, not extrapolated.
 */
public record CostModel(double densePerWeight, double densePerWeightSample, double csrPerWeight,
        double csrPerWeightSample, double blockPerWeight, double blockPerWeightSample, double copyPerValue,
        String source) {

    /** Fixed costs, for tests that need a deterministic choice. */
    public static final CostModel NOMINAL = new CostModel(0.3, 0.15, 1.0, 0.25, 0.4, 0.2, 0.3, "nominal");

    /** Independent calibrations whose median is kept: one disturbed run on a shared machine does not decide a plan. */
    static final int CALIBRATIONS = 3;

    /** Estimated nanoseconds of the dense kernel for one tile of {@code tb} samples. */
    public double dense(long weights, int tb) {
        return weights * (densePerWeight + densePerWeightSample * tb);
    }

    public double csr(long nnz, int tb) {
        return nnz * (csrPerWeight + csrPerWeightSample * tb);
    }

    /** The dense blocks of a block-diagonal kernel (plain loops over each block's weights). */
    public double block(long weights, int tb) {
        return weights * (blockPerWeight + blockPerWeightSample * tb);
    }

    /** Copying {@code values} floats into an im2col matrix. */
    public double copy(long values) {
        return values * copyPerValue;
    }

    /**
     * Times a 256×256 dense layer, a 5 %-dense 1024×256 CSR layer and four 64×64 blocks at one
     * sample and at a full tile, and an im2col copy; {@link #CALIBRATIONS} times, each figure the
     * median; before that, the convolution loops run until compiled. Under a second.
     */
    public static CostModel calibrate() {
        SplittableRandom rnd = new SplittableRandom(7);
        int in = 256;
        int out = 256;
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-1, 1);
        }
        Kernels.Kernel dense = Kernels.Dense.of(in, out, w);
        int sin = 1024;
        float[] sw = new float[sin * out];
        for (int i = 0; i < sw.length; i++) {
            sw[i] = rnd.nextDouble() < 0.05 ? (float) rnd.nextDouble(-1, 1) : 0f;
        }
        Kernels.Kernel csr = Kernels.Csr.of(sin, out, sw, (a, b) -> true);
        int[] mod = new int[in];
        for (int i = 0; i < in; i++) {
            mod[i] = i / 64;
        }
        Kernels.Kernel block = SparseModel.block(in, out, w, 4, mod, mod);
        int tile = SparseModel.TILE;
        warmLoops();
        double[][] runs = new double[CALIBRATIONS][];
        for (int c = 0; c < CALIBRATIONS; c++) {
            double[] d = fit(dense, in, out, tile);
            double[] s = fit(csr, sin, out, tile);
            double[] b = fit(block, in, out, tile);
            runs[c] = new double[] {d[0], d[1], s[0], s[1], b[0], b[1], copyNanos()};
        }
        double[] m = new double[runs[0].length];
        for (int j = 0; j < m.length; j++) {
            double[] v = new double[CALIBRATIONS];
            for (int c = 0; c < CALIBRATIONS; c++) {
                v[c] = runs[c][j];
            }
            Arrays.sort(v);
            m[j] = v[CALIBRATIONS / 2];
        }
        return new CostModel(m[0], m[1], m[2], m[3], m[4], m[5], m[6], "calibrated, median of " + CALIBRATIONS);
    }

    private static volatile boolean warm;

    /**
     * Once per JVM: runs every kernel's loops (dense, CSR and block multiplies at one sample and a
     * tile; the direct sparse convolution, wide and by row; im2col; pooling) until the JIT has
     * compiled them, so the calibration and a plan's measured trials time compiled code, not the
     * interpreter. About a quarter of a second.
     */
    static synchronized void warmLoops() {
        if (warm) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 128;
        float[] w = new float[n * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextDouble() < 0.2 ? (float) rnd.nextDouble(-1, 1) : 0f;
        }
        int[] mod = new int[n];
        for (int i = 0; i < n; i++) {
            mod[i] = i % 2;
        }
        Kernels.Kernel[] kernels = {Kernels.Dense.of(n, n, w), Kernels.Csr.of(n, n, w, (a, b) -> true),
            SparseModel.block(n, n, w, 2, mod, mod)};
        for (int tb : new int[] {1, SparseModel.TILE}) {
            float[] x = new float[n * tb];
            Arrays.fill(x, 0.5f);
            float[] y = new float[n * tb];
            for (Kernels.Kernel k : kernels) {
                long end = System.nanoTime() + 25_000_000L;
                while (System.nanoTime() < end) {
                    k.multiplyAdd(x, y, tb);
                }
            }
        }
        warmConvolutions();
        warm = true;
    }

    private static void warmConvolutions() {
        SplittableRandom rnd = new SplittableRandom(3);
        Kernels.Conv g = new Kernels.Conv(4, 12, 12, 5, 2);
        int out = 8;
        float[] w = new float[g.taps() * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextDouble() < 0.3 ? (float) rnd.nextDouble(-1, 1) : 0f;
        }
        Kernels.Csr k = Kernels.Csr.of(g.taps(), out, w, (a, b) -> true);
        for (int tb : new int[] {1, 16}) {
            float[] x = new float[g.inputWidth() * tb];
            Arrays.fill(x, 0.5f);
            float[] y = new float[out * g.positions() * tb];
            float[] col = new float[g.taps() * g.positions() * tb];
            float[] pooled = new float[out * g.pooledHeight() * g.pooledWidth() * tb];
            long end = System.nanoTime() + 60_000_000L;
            while (System.nanoTime() < end) {
                g.convolve(k, x, y, tb);
                g.im2col(x, col, tb, null);
                g.maxPool(y, pooled, out, tb);
            }
        }
    }

    /** {perWeight, perWeightSample} from the time per weight at one and at {@code tb} samples. */
    private static double[] fit(Kernels.Kernel k, int in, int out, int tb) {
        double t1 = nanosPerWeight(k, in, out, 1);
        double tn = nanosPerWeight(k, in, out, tb);
        double perSample = Math.max(1e-3, (tn - t1) / (tb - 1));
        double fixed = Math.max(0, t1 - perSample);
        return new double[] {fixed, perSample};
    }

    private static double nanosPerWeight(Kernels.Kernel k, int in, int out, int tb) {
        float[] x = new float[in * tb];
        Arrays.fill(x, 0.5f);
        float[] y = new float[out * tb];
        int reps = Math.max(4, (int) (2_000_000 / (k.storedWeights() * (long) tb) + 1));
        long best = best(reps, () -> k.multiplyAdd(x, y, tb));
        if (y[0] == 42.4242f) {
            System.out.print("");
        }
        return (double) best / reps / k.storedWeights();
    }

    /** Nanoseconds per value of an im2col copy (a 5×5 convolution over 8 channels of 12×12, 8 samples). */
    private static double copyNanos() {
        Kernels.Conv g = new Kernels.Conv(8, 12, 12, 5, 1);
        int tb = 8;
        float[] x = new float[g.inputWidth() * tb];
        Arrays.fill(x, 0.25f);
        float[] col = new float[g.taps() * g.positions() * tb];
        int reps = Math.max(4, 2_000_000 / col.length + 1);
        long best = best(reps, () -> g.im2col(x, col, tb, null));
        return (double) best / reps / col.length;
    }

    /** The best of five timed batches of {@code reps} calls, after three batches of warm-up. */
    private static long best(int reps, Runnable call) {
        for (int i = 0; i < reps * 3; i++) {
            call.run();
        }
        long best = Long.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                call.run();
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: dense %.3f + %.3f·b ns/weight, csr %.3f + %.3f·b ns/nnz, "
                + "block %.3f + %.3f·b ns/weight, im2col %.3f ns/value", source, densePerWeight, densePerWeightSample,
                csrPerWeight, csrPerWeightSample, blockPerWeight, blockPerWeightSample, copyPerValue);
    }
}
