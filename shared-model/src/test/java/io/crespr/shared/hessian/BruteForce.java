package io.crespr.shared.hessian;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reference answers computed the slow, obvious way — least squares by QR on X itself
 * (commons-math3), sums by loops — to check the Hessian algebra against.
 */
public final class BruteForce {

    private BruteForce() {
    }

    /** n × d Gaussian data with correlated columns (Z·A), so H is far from diagonal. */
    public static double[][] correlatedData(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                a[i][k] = r.nextGaussian() * (i == k ? 1.0 : 0.4);
            }
        }
        double[][] x = new double[n][d];
        for (int s = 0; s < n; s++) {
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {
                z[i] = r.nextGaussian();
            }
            for (int k = 0; k < d; k++) {
                double v = 0;
                for (int i = 0; i < d; i++) {
                    v += z[i] * a[i][k];
                }
                x[s][k] = v;
            }
        }
        return x;
    }

    public static INDArray toNd(double[][] x) {
        return Nd4j.createFromArray(x);
    }

    /** Random float weights as doubles (exactly representable in float). */
    public static float[] randomWeights(int size, long seed) {
        Random r = new Random(seed);
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            w[i] = (float) (r.nextGaussian() * 0.5);
        }
        return w;
    }

    /**
     * The kept weights re-fitted so {@code X w} reproduces {@code X w_old} in least squares, with
     * a ridge {@code δ‖w − w_old‖²} on the kept ones (δ = 0: plain least squares), solved by QR on
     * the stacked system {@code [X_S; √(nδ) I] w_S = [X w_old; √(nδ) w_S,old]}. Pruned entries 0.
     */
    public static double[] refit(double[][] x, double[] wOld, boolean[] keep, double delta) {
        int n = x.length;
        int d = wOld.length;
        int[] s = java.util.stream.IntStream.range(0, d).filter(q -> keep[q]).toArray();
        double[] out = new double[d];
        if (s.length == 0) {
            return out;
        }
        double ridge = Math.sqrt(n * delta);
        int rows = n + (delta > 0 ? s.length : 0);
        double[][] a = new double[rows][s.length];
        double[] b = new double[rows];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < s.length; k++) {
                a[i][k] = x[i][s[k]];
            }
            b[i] = dot(x[i], wOld);
        }
        if (delta > 0) {
            for (int k = 0; k < s.length; k++) {
                a[n + k][k] = ridge;
                b[n + k] = ridge * wOld[s[k]];
            }
        }
        RealVector sol = new QRDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
                .solve(new ArrayRealVector(b, false));
        for (int k = 0; k < s.length; k++) {
            out[s[k]] = sol.getEntry(k);
        }
        return out;
    }

    /** {@code ½·mean‖X w_new − X w_old‖²}. */
    public static double reconstructionRise(double[][] x, double[] wNew, double[] wOld) {
        double s = 0;
        for (double[] row : x) {
            double e = dot(row, wNew) - dot(row, wOld);
            s += e * e;
        }
        return 0.5 * s / x.length;
    }

    /** {@code ½·mean‖X δw‖² + ½ δ‖δw‖²}: the damped objective OBS minimises. */
    public static double dampedRise(double[][] x, double[] wNew, double[] wOld, double delta) {
        double r = 0;
        for (int q = 0; q < wOld.length; q++) {
            r += (wNew[q] - wOld[q]) * (wNew[q] - wOld[q]);
        }
        return reconstructionRise(x, wNew, wOld) + 0.5 * delta * r;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
