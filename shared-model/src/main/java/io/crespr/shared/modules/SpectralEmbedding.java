package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spectral embedding of a {@link NetworkGraph}: the eigenvectors of the {@code k}
 * smallest eigenvalues of its normalized Laplacian {@code L = I − D^{-1/2} A D^{-1/2}} (Shi
 * &amp; Malik 2000), whose rows, normalised to unit length, place every node in
 * {@code R^k} (Ng, Jordan &amp; Weiss 2002, "On spectral clustering: analysis and an
 * algorithm", NIPS 14).
 *
 * <p><b>Which nodes are embedded.</b> Only nodes connected (through surviving weights) to at
 * least one class take part; a node stranded by pruning, or one with no surviving weight at
 * all, cannot influence any output, and many small stranded islands would each claim an
 * eigenvalue 0 and crowd the modules out of the embedding. Such nodes get an all-zero row
 * ({@link #isEmbedded} is false) and the clusterer places them only to balance sizes.
 *
 * <p><b>Solvers.</b> Every edge of a network joins node layer {@code l} to {@code l + 1}, so
 * the graph is bipartite between even and odd layers, and with
 * {@code B = D_e^{-1/2} A_{eo} D_o^{-1/2}} the normalized adjacency is {@code [[0, B], [Bᵀ, 0]]}.
 * Its eigenvectors for eigenvalue {@code σ} are {@code [u; v] / √2} for the singular triplets
 * {@code B v = σ u}, and {@code L}'s eigenvalue is {@code 1 − σ}: the {@code k} smallest
 * Laplacian eigenpairs are the {@code k} largest singular triplets of {@code B}, as in
 * Dhillon's bipartite spectral co-clustering (Dhillon 2001, "Co-clustering documents and words
 * using bipartite spectral graph partitioning", KDD).
 * <ul>
 *   <li>{@link Solver#BIPARTITE} (default): the float Gram matrix of the smaller side
 *       ({@code BᵀB} or {@code BBᵀ}) is decomposed with ND4J's
 *       {@code Eigen.symmetricGeneralizedEigenvalues} (LAPACK {@code syev}); the other side
 *       follows as {@code B v / σ} in double. For LeNet-300-100 that is a 310 × 310 problem
 *       instead of 1,194 × 1,194 (≈ 0.05 s instead of ≈ 2 s on 2 cores).</li>
 *   <li>{@link Solver#DENSE}: the full {@code N × N} float Laplacian with the same ND4J
 *       routine.</li>
 *   <li>{@link Solver#COMMONS_MATH}: the full Laplacian in double with commons-math3's
 *       {@code EigenDecomposition} (Householder tridiagonalisation and implicit QL): slow
 *       ({@code O(N³)} in Java) but independent of the native backend.</li>
 * </ul>
 * Every result is checked: the residual {@code ‖L x − λ x‖} of each unit eigenvector is
 * computed in double on the full Laplacian. If any exceeds {@value #RESIDUAL_TOLERANCE}, or a
 * value is not finite, or a singular value is too small to recover {@code u}, the embedding
 * is recomputed with {@link Solver#COMMONS_MATH} (double precision; ND4J's double
 * eigenvectors were seen to be wrong on this stack, see STACK-NOTES). If that also fails the
 * check, an {@link IllegalStateException} says so rather than clustering on noise.
 *
 * <p>Each eigenvector's sign is fixed so that its largest-magnitude entry is positive, so that
 * the embedding does not depend on the solver's sign convention.
 */
public final class SpectralEmbedding {

    /** Largest accepted residual {@code ‖L x − λ x‖} of a unit eigenvector ({@code ‖L‖ ≤ 2}). */
    public static final double RESIDUAL_TOLERANCE = 1e-3;

    /** Smallest singular value from which the other side of a bipartite eigenvector is recovered. */
    static final double SMALLEST_SINGULAR_VALUE = 1e-6;

    private static final Logger LOG = LoggerFactory.getLogger(SpectralEmbedding.class);

    /** How the eigenvectors are computed. */
    public enum Solver {
        /** Float Gram matrix of the smaller side of the bipartite graph, ND4J. */
        BIPARTITE("bipartite"),
        /** Full float Laplacian, ND4J. */
        DENSE("dense"),
        /** Full double Laplacian, commons-math3. */
        COMMONS_MATH("commons-math");

        private final String optionName;

        Solver(String optionName) {
            this.optionName = optionName;
        }

        /** The name an option uses. */
        public String optionName() {
            return optionName;
        }

        /** The solver an option names. */
        public static Solver byOptionName(String plugin, String key, String value) {
            for (Solver s : values()) {
                if (s.optionName.equals(value)) {
                    return s;
                }
            }
            throw new InvalidInputException(plugin + " option " + key + " must be one of "
                    + String.join(", ", Arrays.stream(values()).map(Solver::optionName).toList()) + ", got '" + value
                    + "'");
        }
    }

    private final NetworkGraph graph;
    /** {@code vectors[e][node]}: eigenvector e (unit length), global node index. */
    private final double[][] vectors;
    private final double[] eigenvalues;
    private final double[] residuals;
    private final Solver solver;
    private final boolean fellBack;
    private final boolean[] embedded;

    private SpectralEmbedding(NetworkGraph graph, double[][] vectors, double[] eigenvalues, double[] residuals,
            Solver solver, boolean fellBack, boolean[] embedded) {
        this.graph = graph;
        this.vectors = vectors;
        this.eigenvalues = eigenvalues;
        this.residuals = residuals;
        this.solver = solver;
        this.fellBack = fellBack;
        this.embedded = embedded;
    }

    /** The embedding of {@code graph} in the eigenvectors of the {@code k} smallest Laplacian eigenvalues. */
    public static SpectralEmbedding of(NetworkGraph graph, int k, Solver solver) {
        return of(graph, k, solver, RESIDUAL_TOLERANCE);
    }

    /** As {@link #of(NetworkGraph, int, Solver)}, with the residual tolerance of the first solver given (tests). */
    static SpectralEmbedding of(NetworkGraph graph, int k, Solver solver, double firstTolerance) {
        int n = graph.nodeCount();
        if (k < 1 || k > n) {
            throw new InvalidInputException("spectral embedding: k=" + k + " must be in [1, " + n + "]");
        }
        NormalizedAdjacency s = new NormalizedAdjacency(graph);
        Candidate first = solve(s, k, solver);
        String why = first.problem(firstTolerance);
        if (why == null) {
            return new SpectralEmbedding(graph, first.vectors, first.eigenvalues, first.residuals, solver, false,
                    s.embedded);
        }
        LOG.warn("spectral embedding: {} solver failed the check ({}); recomputing in double with commons-math3",
                solver.optionName(), why);
        Candidate second = solve(s, k, Solver.COMMONS_MATH);
        String again = second.problem(RESIDUAL_TOLERANCE);
        if (again != null) {
            throw new IllegalStateException("spectral embedding of " + n + " nodes failed: " + solver.optionName()
                    + " solver " + why + "; commons-math fallback " + again);
        }
        return new SpectralEmbedding(graph, second.vectors, second.eigenvalues, second.residuals,
                Solver.COMMONS_MATH, true, s.embedded);
    }

    /** The {@code k} smallest eigenvalues of the normalized Laplacian, ascending. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** {@code ‖L x − λ x‖} of every unit eigenvector, in the order of {@link #eigenvalues()}. */
    public double[] residuals() {
        return residuals.clone();
    }

    /** The largest residual. */
    public double maxResidual() {
        return Arrays.stream(residuals).max().orElse(0);
    }

    /** The solver whose result this is. */
    public Solver solver() {
        return solver;
    }

    /** Whether the requested solver failed the residual check and commons-math3 was used instead. */
    public boolean fellBack() {
        return fellBack;
    }

    /** Whether global node {@code node} is connected to a class and so has a row in the embedding. */
    public boolean isEmbedded(int node) {
        return embedded[node];
    }

    /** Eigenvector {@code e} (unit length) by global node index, a copy. */
    public double[] vector(int e) {
        return vectors[e].clone();
    }

    /**
     * The Ng–Jordan–Weiss rows of the nodes of layer {@code l}: each node's entries in the
     * {@code k} eigenvectors, scaled to unit length; all zero for a node that is not embedded.
     */
    public double[][] rows(int l) {
        int k = vectors.length;
        int from = graph.offset(l);
        double[][] rows = new double[graph.size(l)][k];
        for (int i = 0; i < rows.length; i++) {
            int node = from + i;
            if (!embedded[node]) {
                continue;
            }
            double norm = 0;
            for (int e = 0; e < k; e++) {
                rows[i][e] = vectors[e][node];
                norm += rows[i][e] * rows[i][e];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                Arrays.fill(rows[i], 0);
                continue;
            }
            for (int e = 0; e < k; e++) {
                rows[i][e] /= norm;
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------

    private static Candidate solve(NormalizedAdjacency s, int k, Solver solver) {
        return switch (solver) {
            case BIPARTITE -> bipartite(s, k);
            case DENSE -> dense(s, k);
            case COMMONS_MATH -> commonsMath(s, k);
        };
    }

    private static Candidate bipartite(NormalizedAdjacency s, int k) {
        NetworkGraph g = s.graph;
        int[] sideIndex = new int[g.nodeCount()];
        int even = 0;
        int odd = 0;
        for (int l = 0; l < g.layerCount(); l++) {
            for (int i = 0; i < g.size(l); i++) {
                sideIndex[g.offset(l) + i] = l % 2 == 0 ? even++ : odd++;
            }
        }
        boolean gramOfOdd = (odd <= even && odd >= k) || even < k;
        int small = gramOfOdd ? odd : even;
        int large = gramOfOdd ? even : odd;
        if (small < k) {
            return Candidate.failed("the smaller side of the bipartite graph has " + small + " nodes, fewer than k=" + k);
        }
        // B with rows = the large side, columns = the small side, so that the Gram is BᵀB.
        float[] b = new float[large * small];
        for (int l = 0; l + 1 < g.layerCount(); l++) {
            boolean srcOnSmall = (l % 2 == 1) == gramOfOdd;
            int nDst = g.size(l + 1);
            double[] m = s.normalized[l];
            for (int i = 0; i < g.size(l); i++) {
                int src = sideIndex[g.offset(l) + i];
                for (int j = 0; j < nDst; j++) {
                    double w = m[i * nDst + j];
                    if (w == 0) {
                        continue;
                    }
                    int dst = sideIndex[g.offset(l + 1) + j];
                    if (srcOnSmall) {
                        b[dst * small + src] = (float) w;
                    } else {
                        b[src * small + dst] = (float) w;
                    }
                }
            }
        }
        INDArray bm = Nd4j.create(b, new long[] {large, small}, 'c');
        INDArray gram = Nd4j.gemm(bm, bm, true, false);
        gram = gram.add(gram.transpose()).muli(0.5f).dup('f');
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(gram, true);
        float[] mu = values.toFloatVector();
        int[] smallSideNodes = new int[small];
        int w = 0;
        for (int node = 0; node < g.nodeCount(); node++) {
            if (isOdd(g, node) == gramOfOdd) {
                smallSideNodes[w++] = node;
            }
        }
        double[][] vectors = new double[k][];
        double[] eigenvalues = new double[k];
        for (int e = 0; e < k; e++) {
            int column = small - 1 - e;
            double sigma = Math.sqrt(Math.max(0, mu[column]));
            if (!(sigma >= SMALLEST_SINGULAR_VALUE)) {
                return Candidate.failed("singular value " + sigma + " of eigenpair " + e
                        + " is too small to recover the other side");
            }
            double[] x = new double[g.nodeCount()];
            for (int r = 0; r < small; r++) {
                x[smallSideNodes[r]] = gram.getDouble(r, column);
            }
            double[] y = s.multiply(x);
            for (int node = 0; node < x.length; node++) {
                x[node] += y[node] / sigma;
            }
            vectors[e] = x;
            eigenvalues[e] = 1 - sigma;
        }
        return Candidate.of(s, vectors, eigenvalues);
    }

    private static boolean isOdd(NetworkGraph g, int node) {
        for (int l = g.layerCount() - 1; l >= 0; l--) {
            if (node >= g.offset(l)) {
                return l % 2 == 1;
            }
        }
        throw new IllegalArgumentException("node " + node);
    }

    private static Candidate dense(NormalizedAdjacency s, int k) {
        int n = s.graph.nodeCount();
        double[][] laplacian = s.laplacian();
        float[] flat = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                flat[i * n + j] = (float) laplacian[i][j];
            }
        }
        INDArray a = Nd4j.create(flat, new long[] {n, n}, 'c').dup('f');
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(a, true);
        double[] lambda = values.castTo(DataType.DOUBLE).toDoubleVector();
        Integer[] order = ascending(lambda);
        double[][] vectors = new double[k][n];
        double[] eigenvalues = new double[k];
        for (int e = 0; e < k; e++) {
            int column = order[e];
            for (int r = 0; r < n; r++) {
                vectors[e][r] = a.getDouble(r, column);
            }
            eigenvalues[e] = lambda[column];
        }
        return Candidate.of(s, vectors, eigenvalues);
    }

    private static Candidate commonsMath(NormalizedAdjacency s, int k) {
        int n = s.graph.nodeCount();
        EigenDecomposition decomposition = new EigenDecomposition(new Array2DRowRealMatrix(s.laplacian(), false));
        double[] lambda = decomposition.getRealEigenvalues();
        Integer[] order = ascending(lambda);
        double[][] vectors = new double[k][];
        double[] eigenvalues = new double[k];
        for (int e = 0; e < k; e++) {
            vectors[e] = decomposition.getEigenvector(order[e]).toArray();
            eigenvalues[e] = lambda[order[e]];
        }
        if (vectors.length > 0 && vectors[0].length != n) {
            return Candidate.failed("commons-math returned eigenvectors of length " + vectors[0].length);
        }
        return Candidate.of(s, vectors, eigenvalues);
    }

    private static Integer[] ascending(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> values[i]).thenComparingInt(i -> i));
        return order;
    }

    /** A solver's answer, normalised, sign-fixed and with its residuals, or the reason it has none. */
    private static final class Candidate {
        final double[][] vectors;
        final double[] eigenvalues;
        final double[] residuals;
        final String failure;

        private Candidate(double[][] vectors, double[] eigenvalues, double[] residuals, String failure) {
            this.vectors = vectors;
            this.eigenvalues = eigenvalues;
            this.residuals = residuals;
            this.failure = failure;
        }

        static Candidate failed(String why) {
            return new Candidate(null, null, null, why);
        }

        static Candidate of(NormalizedAdjacency s, double[][] vectors, double[] eigenvalues) {
            double[] residuals = new double[vectors.length];
            for (int e = 0; e < vectors.length; e++) {
                double[] x = vectors[e];
                double norm = 0;
                for (double v : x) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                if (!(norm > 0) || !Double.isFinite(norm) || !Double.isFinite(eigenvalues[e])) {
                    return failed("eigenpair " + e + " is not finite or zero (norm " + norm + ", eigenvalue "
                            + eigenvalues[e] + ")");
                }
                int largest = 0;
                for (int i = 0; i < x.length; i++) {
                    x[i] /= norm;
                    if (Math.abs(x[i]) > Math.abs(x[largest])) {
                        largest = i;
                    }
                }
                if (x[largest] < 0) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = -x[i];
                    }
                }
                double[] sx = s.multiply(x);
                double r = 0;
                for (int i = 0; i < x.length; i++) {
                    double lx = x[i] - sx[i];
                    double d = lx - eigenvalues[e] * x[i];
                    r += d * d;
                }
                residuals[e] = Math.sqrt(r);
            }
            return new Candidate(vectors, eigenvalues, residuals, null);
        }

        /** Null when the result passes the check, else why not. */
        String problem(double tolerance) {
            if (failure != null) {
                return failure;
            }
            double worst = Arrays.stream(residuals).max().orElse(0);
            if (!(worst <= tolerance)) {
                return String.format(Locale.ROOT, "largest eigen residual %.3g exceeds %.3g", worst, tolerance);
            }
            return null;
        }
    }

    /**
     * {@code D^{-1/2} A D^{-1/2}} restricted to the nodes connected to a class; the other
     * nodes have a zero row and column (so {@code L = I − S} is 1 on their diagonal).
     */
    private static final class NormalizedAdjacency {
        final NetworkGraph graph;
        final boolean[] embedded;
        /** {@code normalized[l]}: layer l to l + 1, source-major, like the graph's mass matrices. */
        final double[][] normalized;

        NormalizedAdjacency(NetworkGraph graph) {
            this.graph = graph;
            this.embedded = connectedToClasses(graph);
            double[] degree = graph.degrees();
            double[] scale = new double[degree.length];
            for (int i = 0; i < degree.length; i++) {
                scale[i] = embedded[i] && degree[i] > 0 ? 1 / Math.sqrt(degree[i]) : 0;
            }
            normalized = new double[graph.layerCount() - 1][];
            for (int l = 0; l + 1 < graph.layerCount(); l++) {
                int nDst = graph.size(l + 1);
                double[] m = graph.massMatrix(l);
                double[] out = new double[m.length];
                for (int i = 0; i < graph.size(l); i++) {
                    double si = scale[graph.offset(l) + i];
                    if (si == 0) {
                        continue;
                    }
                    for (int j = 0; j < nDst; j++) {
                        out[i * nDst + j] = si * m[i * nDst + j] * scale[graph.offset(l + 1) + j];
                    }
                }
                normalized[l] = out;
            }
        }

        /** {@code S x}. */
        double[] multiply(double[] x) {
            double[] y = new double[x.length];
            for (int l = 0; l + 1 < graph.layerCount(); l++) {
                int nDst = graph.size(l + 1);
                int srcOffset = graph.offset(l);
                int dstOffset = graph.offset(l + 1);
                double[] m = normalized[l];
                for (int i = 0; i < graph.size(l); i++) {
                    double xi = x[srcOffset + i];
                    double acc = 0;
                    int row = i * nDst;
                    for (int j = 0; j < nDst; j++) {
                        double w = m[row + j];
                        acc += w * x[dstOffset + j];
                        y[dstOffset + j] += w * xi;
                    }
                    y[srcOffset + i] += acc;
                }
            }
            return y;
        }

        /** {@code I − S} as a dense double matrix. */
        double[][] laplacian() {
            int n = graph.nodeCount();
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                a[i][i] = 1;
            }
            for (int l = 0; l + 1 < graph.layerCount(); l++) {
                int nDst = graph.size(l + 1);
                double[] m = normalized[l];
                for (int i = 0; i < graph.size(l); i++) {
                    for (int j = 0; j < nDst; j++) {
                        double w = m[i * nDst + j];
                        a[graph.offset(l) + i][graph.offset(l + 1) + j] = -w;
                        a[graph.offset(l + 1) + j][graph.offset(l) + i] = -w;
                    }
                }
            }
            return a;
        }

        /** Nodes joined to at least one class node by a path of surviving (non-zero) weights. */
        private static boolean[] connectedToClasses(NetworkGraph g) {
            boolean[] reached = new boolean[g.nodeCount()];
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            int classes = g.classLayer();
            for (int c = 0; c < g.size(classes); c++) {
                reached[g.offset(classes) + c] = true;
                queue.add(g.offset(classes) + c);
            }
            while (!queue.isEmpty()) {
                int node = queue.poll();
                int l = layerOf(g, node);
                int i = node - g.offset(l);
                if (l > 0) {
                    int nHere = g.size(l);
                    double[] m = g.massMatrix(l - 1);
                    for (int j = 0; j < g.size(l - 1); j++) {
                        int other = g.offset(l - 1) + j;
                        if (!reached[other] && m[j * nHere + i] > 0) {
                            reached[other] = true;
                            queue.add(other);
                        }
                    }
                }
                if (l < classes) {
                    int nDst = g.size(l + 1);
                    double[] m = g.massMatrix(l);
                    for (int j = 0; j < nDst; j++) {
                        int other = g.offset(l + 1) + j;
                        if (!reached[other] && m[i * nDst + j] > 0) {
                            reached[other] = true;
                            queue.add(other);
                        }
                    }
                }
            }
            return reached;
        }

        private static int layerOf(NetworkGraph g, int node) {
            for (int l = g.layerCount() - 1; l >= 0; l--) {
                if (node >= g.offset(l)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("node " + node);
        }
    }
}
