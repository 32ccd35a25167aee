package io.crespr.shared.inference;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Nanoseconds per stored weight of each kernel on this machine, for a tile of {@code tb}
 * samples: {@code perWeight + perWeightSample * tb} (the first is the loop and index
 * overhead paid once per weight, the second the multiply-add per sample). {@link #calibrate()}
 * measures both for the dense and the CSR kernel on small synthetic layers.
 */
public record CostModel(double densePerWeight, double densePerWeightSample, double csrPerWeight,
        double csrPerWeightSample, String source) {

    /** Fixed costs, for tests that need a deterministic choice. */
    public static final CostModel NOMINAL = new CostModel(0.3, 0.15, 1.0, 0.25, "nominal");

    /** Estimated nanoseconds for one tile of {@code tb} samples. */
    public double dense(long weights, int tb) {
        return weights * (densePerWeight + densePerWeightSample * tb);
    }

    public double csr(long nnz, int tb) {
        return nnz * (csrPerWeight + csrPerWeightSample * tb);
    }

    /** Times a 256×256 dense layer and a 5 %-dense 1024×256 CSR layer at one and 32 samples. */
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
        double[] d = fit(dense, in, out, 32);
        double[] c = fit(csr, sin, out, 32);
        return new CostModel(d[0], d[1], c[0], c[1], "calibrated");
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
        java.util.Arrays.fill(x, 0.5f);
        float[] y = new float[out * tb];
        int reps = Math.max(4, (int) (2_000_000 / (k.storedWeights() * (long) tb) + 1));
        for (int i = 0; i < reps * 3; i++) {
            k.multiplyAdd(x, y, tb);
        }
        long best = Long.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                k.multiplyAdd(x, y, tb);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (y[0] == 42.4242f) {
            System.out.print("");
        }
        return (double) best / reps / k.storedWeights();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: dense %.3f + %.3f·b ns/weight, csr %.3f + %.3f·b ns/nnz", source,
                densePerWeight, densePerWeightSample, csrPerWeight, csrPerWeightSample);
    }
}
