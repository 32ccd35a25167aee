package io.crespr.shared.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class LayerHessianTest {

    private static final int N = 200;
    private static final int D = 12;

    @Test
    void hessianIsTheFiniteDifferenceOfTheReconstructionLossGradient() {
        double[][] x = BruteForce.correlatedData(N, D, 1);
        double[] wOld = toDouble(BruteForce.randomWeights(D, 2));
        double[] w = toDouble(BruteForce.randomWeights(D, 3));
        LayerHessian h = LayerHessian.of(BruteForce.toNd(x), 0);
        double eps = 1e-4;
        double scale = 0;
        for (int k = 0; k < D; k++) {
            scale = Math.max(scale, Math.abs(h.get(k, k)));
        }
        for (int k = 0; k < D; k++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[k] += eps;
            minus[k] -= eps;
            double[] gp = gradient(x, plus, wOld);
            double[] gm = gradient(x, minus, wOld);
            for (int a = 0; a < D; a++) {
                assertThat(h.get(a, k)).as("H[%d][%d]", a, k).isCloseTo((gp[a] - gm[a]) / (2 * eps), within(1e-9 * scale));
            }
        }
        // The float GEMM path agrees to float precision.
        LayerHessian hf = LayerHessian.of(BruteForce.toNd(x).castTo(DataType.FLOAT), 0);
        for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
                assertThat(hf.get(a, b)).isCloseTo(h.get(a, b), within(1e-5 * scale));
            }
        }
        assertThat(h.singular()).isFalse();
        assertThat(h.dampingAdded()).isZero();
    }

    /** Gradient of ½·mean‖X w − X w_old‖², by explicit loops. */
    private static double[] gradient(double[][] x, double[] w, double[] wOld) {
        double[] g = new double[w.length];
        for (double[] row : x) {
            double e = BruteForce.dot(row, w) - BruteForce.dot(row, wOld);
            for (int k = 0; k < w.length; k++) {
                g[k] += row[k] * e / x.length;
            }
        }
        return g;
    }

    @Test
    void dampedInverseIsTheInverseOfTheDampedHessian() {
        LayerHessian h = LayerHessian.of(BruteForce.toNd(BruteForce.correlatedData(N, D, 4)), 0.05);
        double[] hm = h.matrix();
        double mean = 0;
        for (int q = 0; q < D; q++) {
            mean += hm[q * D + q] / D;
        }
        assertThat(h.dampingAdded()).isCloseTo(0.05 * mean, within(1e-15));
        double[] inv = h.inverse();
        double[] invDiag = h.inverseDiagonal();
        for (int a = 0; a < D; a++) {
            assertThat(invDiag[a]).isCloseTo(inv[a * D + a], within(1e-12 * Math.abs(inv[a * D + a])));
            for (int b = 0; b < D; b++) {
                double s = 0;
                for (int k = 0; k < D; k++) {
                    s += (hm[a * D + k] + (a == k ? h.dampingAdded() : 0)) * inv[k * D + b];
                }
                assertThat(s).isCloseTo(a == b ? 1 : 0, within(1e-10));
            }
        }
    }

    @Test
    void singularHessianIsDampedAndStaysFinite() {
        double[][] x = BruteForce.correlatedData(N, D, 5);
        for (double[] row : x) {
            row[3] = row[1]; // duplicate input
            row[7] = 0; // dead input
        }
        for (double damping : new double[] {0.01, 0}) {
            LayerHessian h = LayerHessian.of(BruteForce.toNd(x), damping);
            assertThat(h.singular()).as("damping %s", damping).isTrue();
            assertThat(h.dampingAdded()).isPositive();
            double[] inv = h.inverseDiagonal();
            for (double v : inv) {
                assertThat(v).isFinite().isPositive();
            }
            for (double v : h.inverse()) {
                assertThat(v).isFinite();
            }
        }
        // Every input dead: H = 0, still finite.
        LayerHessian zero = LayerHessian.of(BruteForce.toNd(new double[N][D]), 0.01);
        assertThat(zero.singular()).isTrue();
        assertFinitePositive(zero.inverseDiagonal());
        // Fewer rows than inputs: rank-deficient too.
        LayerHessian few = LayerHessian.of(BruteForce.toNd(BruteForce.correlatedData(5, D, 6)), 0);
        assertThat(few.singular()).isTrue();
        assertFinitePositive(few.inverseDiagonal());
    }

    @Test
    void blocksArePrincipalSubmatricesWithSharedInputsInEveryBlock() {
        LayerHessian h = LayerHessian.of(BruteForce.toNd(BruteForce.correlatedData(N, D, 7)), 0.01);
        int[] partition = {0, 0, 0, 1, 1, 1, -1, 2, 2, 2, 2, -1};
        Map<Integer, LayerHessian.Block> blocks = h.blocks(partition, 4);
        assertThat(blocks).containsOnlyKeys(0, 1, 2, 3);
        assertThat(blocks.get(0).inputs()).containsExactly(0, 1, 2, 6, 11);
        assertThat(blocks.get(2).inputs()).containsExactly(6, 7, 8, 9, 10, 11);
        assertThat(blocks.get(3).inputs()).containsExactly(6, 11); // a module with only shared inputs
        assertThat(blocks.get(1).position(4)).isEqualTo(1);
        assertThat(blocks.get(1).position(0)).isEqualTo(-1);
        for (LayerHessian.Block b : blocks.values()) {
            int[] in = b.inputs();
            int m = in.length;
            LayerHessian sub = b.hessian();
            assertThat(sub.dampingAdded()).isEqualTo(h.dampingAdded());
            double[][] dense = new double[m][m];
            for (int a = 0; a < m; a++) {
                for (int c = 0; c < m; c++) {
                    assertThat(sub.get(a, c)).isEqualTo(h.get(in[a], in[c]));
                    dense[a][c] = h.get(in[a], in[c]) + (a == c ? h.dampingAdded() : 0);
                }
            }
            RealMatrix ref = new LUDecomposition(new Array2DRowRealMatrix(dense)).getSolver().getInverse();
            double[] inv = sub.inverseDiagonal();
            for (int a = 0; a < m; a++) {
                assertThat(inv[a]).isCloseTo(ref.getEntry(a, a), within(1e-10 * Math.abs(ref.getEntry(a, a))));
            }
        }
        assertThatThrownBy(() -> h.blocks(new int[3]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("module partition has 3 entries, the layer has 12 inputs");
    }

    @Test
    void offBlockShareIsZeroForABlockDiagonalHessian() {
        // Samples of the first half only excite module 0's inputs, the second half module 1's.
        double[][] x = BruteForce.correlatedData(N, D, 8);
        int[] partition = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
        for (int s = 0; s < N; s++) {
            for (int q = 0; q < D; q++) {
                if ((s < N / 2) != (partition[q] == 0)) {
                    x[s][q] = 0;
                }
            }
        }
        OffBlockShare share = LayerHessian.of(BruteForce.toNd(x), 0.01).offBlockShare(partition, 50, 9);
        assertThat(share.observed()).isZero();
        assertThat(share.randomMean()).isGreaterThan(0.03);
        assertThat(share.zScore()).isGreaterThan(3);
        assertThat(share.ratio()).isZero();
        assertThat(share.randomPartitions()).isEqualTo(50);
    }

    @Test
    void offBlockShareOfRandomDataMatchesItsExpectation() {
        // Unstructured data with a common factor: every off-diagonal entry is large.
        Random r = new Random(10);
        double[][] x = new double[N][D];
        for (double[] row : x) {
            double common = r.nextGaussian();
            for (int q = 0; q < D; q++) {
                row[q] = common + 0.7 * r.nextGaussian();
            }
        }
        LayerHessian h = LayerHessian.of(BruteForce.toNd(x), 0.01);
        int[] partition = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        int rand = 2000;
        OffBlockShare share = h.offBlockShare(partition, rand, 11);
        // A shuffle puts a given pair a ≠ b in one block with probability Σ s(s−1) / (d(d−1)).
        double sameBlock = 3.0 * 4 * 3 / (D * (D - 1));
        double total = 0;
        double offDiagonal = 0;
        for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
                double v = h.get(a, b) * h.get(a, b);
                total += v;
                offDiagonal += a == b ? 0 : v;
            }
        }
        double expected = (1 - sameBlock) * offDiagonal / total;
        assertThat(share.randomMean()).isCloseTo(expected, within(4 * share.randomStd() / Math.sqrt(rand)));
        // With no structure, the given partition is just another random one.
        assertThat(Math.abs(share.observed() - share.randomMean())).isLessThan(4 * share.randomStd());
        assertThat(share.observed()).isCloseTo(expected, within(0.1));
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> LayerHessian.of(BruteForce.toNd(new double[3][2]), -1))
                .isInstanceOf(InvalidInputException.class).hasMessage("damping must be a finite number >= 0, got -1.0");
        double[][] nan = new double[3][2];
        nan[1][1] = Double.NaN;
        assertThatThrownBy(() -> LayerHessian.of(BruteForce.toNd(nan), 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("non-finite");
    }

    static void assertFinitePositive(double[] values) {
        for (double v : values) {
            assertThat(v).isFinite().isPositive();
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
