package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.modules.SpectralEmbedding.Solver;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectralEmbeddingTest {

    private static final int[] SIZES = {30, 12, 6, 3};

    /** The projection onto the span of the k eigenvectors: independent of signs and rotations within it. */
    private static double[][] projection(SpectralEmbedding e, int k, int n) {
        double[][] p = new double[n][n];
        for (int v = 0; v < k; v++) {
            double[] x = e.vector(v);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    p[i][j] += x[i] * x[j];
                }
            }
        }
        return p;
    }

    @Test
    void allSolversAgreeAndPassTheResidualCheck() {
        NetworkGraph g = NetworkGraph.of(GraphFixtures.plantedMlp(SIZES, 3, 1.0, 0.05, 1));
        int n = g.nodeCount();
        SpectralEmbedding bipartite = SpectralEmbedding.of(g, 3, Solver.BIPARTITE);
        SpectralEmbedding dense = SpectralEmbedding.of(g, 3, Solver.DENSE);
        SpectralEmbedding exact = SpectralEmbedding.of(g, 3, Solver.COMMONS_MATH);
        for (SpectralEmbedding e : List.of(bipartite, dense, exact)) {
            assertThat(e.fellBack()).isFalse();
            assertThat(e.maxResidual()).isLessThan(SpectralEmbedding.RESIDUAL_TOLERANCE);
            assertThat(e.eigenvalues()[0]).isCloseTo(0, within(1e-5));
            for (int v = 0; v < 3; v++) {
                assertThat(e.eigenvalues()[v]).isCloseTo(exact.eigenvalues()[v], within(1e-4));
            }
        }
        assertThat(exact.maxResidual()).isLessThan(1e-10);
        // Three planted modules: three small eigenvalues, then a gap.
        assertThat(exact.eigenvalues()[2]).isLessThan(0.2);
        double[][] pe = projection(exact, 3, n);
        for (SpectralEmbedding e : List.of(bipartite, dense)) {
            double[][] p = projection(e, 3, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(p[i][j]).isCloseTo(pe[i][j], within(1e-3));
                }
            }
        }
    }

    @Test
    void rowsOfOneModuleLieTogether() {
        NetworkGraph g = NetworkGraph.of(GraphFixtures.plantedMlp(SIZES, 3, 1.0, 0.05, 2));
        double[][] inputs = SpectralEmbedding.of(g, 3, Solver.BIPARTITE).rows(0);
        int[] planted = GraphFixtures.plantedModules(SIZES[0], 3);
        for (int i = 0; i < inputs.length; i++) {
            assertThat(norm(inputs[i])).isCloseTo(1, within(1e-9));
            for (int j = 0; j < inputs.length; j++) {
                double d = distance(inputs[i], inputs[j]);
                if (planted[i] == planted[j]) {
                    assertThat(d).isLessThan(0.3);
                } else {
                    assertThat(d).isGreaterThan(0.8);
                }
            }
        }
    }

    @Test
    void aFailedResidualCheckFallsBackToDoublePrecision() {
        NetworkGraph g = NetworkGraph.of(GraphFixtures.plantedMlp(SIZES, 3, 1.0, 0.05, 3));
        SpectralEmbedding e = SpectralEmbedding.of(g, 3, Solver.BIPARTITE, 0.0);
        assertThat(e.fellBack()).isTrue();
        assertThat(e.solver()).isEqualTo(Solver.COMMONS_MATH);
        assertThat(e.maxResidual()).isLessThan(1e-10);
    }

    @Test
    void nodesCutOffFromTheClassesAreNotEmbedded() {
        // Input 2 has no weight at all; hidden unit 1 reads input 1 but feeds no class.
        Checkpoint c = GraphFixtures.checkpoint("mlp:2", List.of(
                GraphFixtures.dense(0, 3, 2, 1, 0, 0, 1, 0, 0),
                GraphFixtures.dense(1, 2, 2, 1, 2, 0, 0)), Map.of());
        NetworkGraph g = NetworkGraph.of(c);
        SpectralEmbedding e = SpectralEmbedding.of(g, 2, Solver.BIPARTITE);
        assertThat(e.isEmbedded(g.offset(0) + 0)).isTrue();
        assertThat(e.isEmbedded(g.offset(0) + 1)).isFalse();
        assertThat(e.isEmbedded(g.offset(0) + 2)).isFalse();
        assertThat(e.isEmbedded(g.offset(1) + 1)).isFalse();
        assertThat(e.rows(0)[2]).containsOnly(0.0);
        assertThat(e.maxResidual()).isLessThan(SpectralEmbedding.RESIDUAL_TOLERANCE);
    }

    @Test
    void aTrainedNetworksEigenvectorsPassTheResidualCheck() {
        // LeNet-300-100 after one epoch: 1,194 nodes, no modular structure to speak of.
        NetworkGraph g = NetworkGraph.of(ModuleTestNetworks.lenet300100());
        SpectralEmbedding bipartite = SpectralEmbedding.of(g, 5, Solver.BIPARTITE);
        assertThat(bipartite.fellBack()).isFalse();
        assertThat(bipartite.maxResidual()).isLessThan(SpectralEmbedding.RESIDUAL_TOLERANCE);
        SpectralEmbedding dense = SpectralEmbedding.of(g, 5, Solver.DENSE);
        assertThat(dense.maxResidual()).isLessThan(SpectralEmbedding.RESIDUAL_TOLERANCE);
        for (int v = 0; v < 5; v++) {
            assertThat(bipartite.eigenvalues()[v]).isCloseTo(dense.eigenvalues()[v], within(1e-4));
        }
    }

    @Test
    void randomLayeredGraphsGiveTheSameEigenvaluesWithEverySolver() {
        SplittableRandom r = new SplittableRandom(4);
        int[] sizes = {40, 25, 15, 8};
        double[][] masses = new double[3][];
        for (int l = 0; l < 3; l++) {
            masses[l] = new double[sizes[l] * sizes[l + 1]];
            for (int i = 0; i < masses[l].length; i++) {
                masses[l][i] = r.nextInt(3) == 0 ? 0 : r.nextDouble();
            }
        }
        NetworkGraph g = NetworkGraph.of(sizes, masses);
        double[] exact = SpectralEmbedding.of(g, 4, Solver.COMMONS_MATH).eigenvalues();
        for (Solver s : new Solver[] {Solver.BIPARTITE, Solver.DENSE}) {
            SpectralEmbedding e = SpectralEmbedding.of(g, 4, s);
            assertThat(e.maxResidual()).isLessThan(SpectralEmbedding.RESIDUAL_TOLERANCE);
            for (int v = 0; v < 4; v++) {
                assertThat(e.eigenvalues()[v]).isCloseTo(exact[v], within(1e-4));
            }
        }
    }

    private static double norm(double[] x) {
        return Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
