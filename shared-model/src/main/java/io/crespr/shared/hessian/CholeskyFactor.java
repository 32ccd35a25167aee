package io.crespr.shared.hessian;

/**
 * The Cholesky factor {@code A = L Lᵀ} of a symmetric positive definite matrix, in double
 * precision, with the solves and inverses the OBS formulas need.
 *
 * <p>Plain Java on flat row-major arrays rather than ND4J: ND4J 1.0.0-M2.1's double
 * {@code potrf} and its matrix inverses fail on damped 784 × 784 Hessians (see the stack
 * notes), and a flat row-oriented factorisation whose inner loops are contiguous dot products
 * and axpys runs a 784 × 784 factor in tens of milliseconds, with no dependency.
 */
public final class CholeskyFactor {

    private final int n;
    /** L, lower triangular, row-major n × n; the strict upper triangle is unused (zero). */
    private final double[] l;

    private CholeskyFactor(int n, double[] l) {
        this.n = n;
        this.l = l;
    }

    /**
     * Factors {@code a + shift·I} ({@code a} row-major n × n, only its lower triangle is read).
     *
     * @param minPivot the smallest pivot {@code L_kk²} accepted; a smaller (or non-finite)
     *                 pivot means "not numerically positive definite"
     * @return the factor, or {@code null} when the matrix is not positive definite by that test
     */
    public static CholeskyFactor factor(double[] a, int n, double shift, double minPivot) {
        if (a.length != (long) n * n) {
            throw new IllegalArgumentException("matrix has " + a.length + " entries, expected " + n + "²");
        }
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                int rj = j * n;
                l[ri + j] = (a[ri + j] - dot(l, ri, rj, j)) / l[rj + j];
            }
            double d = a[ri + i] + shift - dot(l, ri, ri, i);
            if (!(d > minPivot) || !Double.isFinite(d)) {
                return null;
            }
            l[ri + i] = Math.sqrt(d);
        }
        return new CholeskyFactor(n, l);
    }

    /**
     * {@code Σ_{k<len} v[x+k]·v[y+k]} with four independent sums: the JIT does not vectorise a
     * single floating-point reduction, and four chains keep the FPU busy (≈ 3× faster).
     */
    private static double dot(double[] v, int x, int y, int len) {
        return dot(v, x, v, y, len);
    }

    /** {@code Σ_{k<len} u[x+k]·v[y+k]}, four independent sums (see above). */
    static double dot(double[] u, int x, double[] v, int y, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += u[x + k] * v[y + k];
            s1 += u[x + k + 1] * v[y + k + 1];
            s2 += u[x + k + 2] * v[y + k + 2];
            s3 += u[x + k + 3] * v[y + k + 3];
        }
        for (; k < len; k++) {
            s0 += u[x + k] * v[y + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    public int dim() {
        return n;
    }

    /** Pivot {@code L_kk²}: the Schur complement of the leading block at k. */
    public double pivot(int k) {
        return l[k * n + k] * l[k * n + k];
    }

    /** Smallest pivot over largest: a cheap lower bound on 1 / condition number. */
    public double pivotRatio() {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int k = 0; k < n; k++) {
            double p = pivot(k);
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        return n == 0 ? 1 : min / max;
    }

    /** x with {@code A x = b}; {@code b} is left as it was. */
    public double[] solve(double[] b) {
        double[] x = b.clone();
        solveInPlace(x);
        return x;
    }

    /** Overwrites {@code x} (holding b) with the solution of {@code A x = b}. */
    public void solveInPlace(double[] x) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double s = x[i];
            for (int k = 0; k < i; k++) {
                s -= l[ri + k] * x[k];
            }
            x[i] = s / l[ri + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
    }

    /**
     * {@code M = L⁻¹}, lower triangular, row-major. Row i is built as an axpy of earlier rows
     * ({@code e_i − Σ_k L_ik M_k}) so the inner loop runs over contiguous memory.
     */
    private double[] lowerInverse() {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int k = 0; k < i; k++) {
                double c = l[ri + k];
                if (c == 0) {
                    continue;
                }
                int rk = k * n;
                for (int j = 0; j <= k; j++) {
                    m[ri + j] -= c * m[rk + j];
                }
            }
            double inv = 1.0 / l[ri + i];
            for (int j = 0; j < i; j++) {
                m[ri + j] *= inv;
            }
            m[ri + i] = inv;
        }
        return m;
    }

    /** The diagonal of {@code A⁻¹ = L⁻ᵀ L⁻¹}: squared column norms of {@code L⁻¹}; cost ≈ n³/6. */
    public double[] inverseDiagonal() {
        double[] m = lowerInverse();
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            int rk = k * n;
            for (int j = 0; j <= k; j++) {
                d[j] += m[rk + j] * m[rk + j];
            }
        }
        return d;
    }

    /** The full inverse {@code A⁻¹}, row-major and exactly symmetric; cost ≈ n³/2. */
    public double[] inverse() {
        double[] m = lowerInverse();
        double[] inv = new double[n * n];
        // A⁻¹ = Σ_k m_k m_kᵀ over the rows m_k of L⁻¹ (row k is non-zero in columns 0..k).
        for (int k = 0; k < n; k++) {
            int rk = k * n;
            for (int a = 0; a <= k; a++) {
                double c = m[rk + a];
                if (c == 0) {
                    continue;
                }
                int ra = a * n;
                for (int b = 0; b <= a; b++) {
                    inv[ra + b] += c * m[rk + b];
                }
            }
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < a; b++) {
                inv[b * n + a] = inv[a * n + b];
            }
        }
        return inv;
    }
}
