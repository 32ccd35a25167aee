package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.modules.BalancedAssignment;
import io.crespr.shared.modules.ClustererOptions;
import io.crespr.shared.modules.ConnectionMass;
import io.crespr.shared.modules.LabelAlignment;
import io.crespr.shared.modules.NetworkGraph;
import io.crespr.shared.modules.SeededKMeans;
import io.crespr.shared.modules.SpectralEmbedding;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.PluginOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code spectral}: spectral clustering of the whole network's weight graph, constrained so
 * that every module spans every layer.
 *
 * <ol>
 *   <li>The graph ({@link NetworkGraph}): one node per input feature, hidden unit (or conv
 *       channel) and class; edge weights |w| (convolutions: the L1 norm of the kernel
 *       slice).</li>
 *   <li>Its normalized Laplacian's {@code k} smallest eigenvectors, rows normalised to unit
 *       length (Shi &amp; Malik 2000; Ng, Jordan &amp; Weiss 2002), computed through the graph's
 *       bipartite structure as in Dhillon's co-clustering (2001), with every eigenpair's
 *       residual {@code ‖Lv − λv‖} checked and a double-precision commons-math3 fallback
 *       ({@link SpectralEmbedding}).</li>
 *   <li>The layer-spanning constraint. Unconstrained k-means on this embedding cuts along
 *       layers (RESEARCH-NOTES: with k = 4 all of the last hidden layer and all classes fell
 *       into one module), so instead every node layer is clustered separately: seeded k-means
 *       with k-means++ and {@code restarts} restarts ({@link SeededKMeans}), balanced to
 *       equal-as-possible sizes when {@code balanced=true}, on the embedded nodes of that
 *       layer; nodes cut off from every class by pruning (no row in the embedding) only fill
 *       the remaining room.</li>
 *   <li>Labels are aligned across layers from the classes downward: the clusters of layer
 *       {@code l} are matched one-to-one to the modules of layer {@code l + 1} so that the
 *       connection mass inside modules is largest (Hungarian method on the {@code k × k} mass
 *       matrix, {@link LabelAlignment}). Modules are numbered so that the one holding class 0
 *       is module 0, and so on in order of their lowest class.</li>
 * </ol>
 * Every layer gets {@code k} non-empty clusters and alignment is a permutation, so every
 * module holds nodes of every layer. With {@code sharedInputs=true} the inputs take part in
 * the graph but all get module {@code -1}.
 *
 * <p>Every random draw comes from {@code new SplittableRandom(seed)}, split once per node
 * layer and once per restart: the same seed gives the same module map. Choosing {@code k} by
 * validation is left to the caller.
 *
 * <p>Options: {@code k} (default 2), {@code restarts} (default 10), {@code balanced} (default
 * true), {@code sharedInputs} ({@code auto} by default: shared when the input layer has fewer nodes than k), {@code eigensolver} ({@code bipartite} default,
 * {@code dense}, {@code commons-math}; see {@link SpectralEmbedding.Solver}).
 */
public final class SpectralClusterer implements Clusterer {

    /** The plugin's name. */
    public static final String NAME = "spectral";

    /** The parsed options. */
    record Settings(int k, int restarts, boolean balanced, String sharedInputs, SpectralEmbedding.Solver solver) {

        static Settings of(PluginOptions options) {
            return new Settings(ClustererOptions.atLeast(options, "k", 2, 1),
                    ClustererOptions.atLeast(options, "restarts", 10, 1),
                    ClustererOptions.flag(options, "balanced", true),
                    ClustererOptions.sharedInputs(options),
                    SpectralEmbedding.Solver.byOptionName(NAME, "eigensolver",
                            options.string("eigensolver", SpectralEmbedding.Solver.BIPARTITE.optionName()).trim()));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "spectral embedding of the weight graph, k-means per layer, labels aligned across layers by |w| mass";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("k", "kChoices", "restarts", "balanced", "sharedInputs", "eigensolver");
    }

    @Override
    public void checkOptions(PluginOptions options) {
        Clusterer.super.checkOptions(options);
        Settings.of(options);
        ClustererOptions.kChoices(options);
    }

    @Override
    public ModuleMap cluster(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        checkOptions(options);
        Settings s = Settings.of(options);
        int k = s.k();
        NetworkGraph graph = NetworkGraph.of(checkpoint);
        boolean shared = ClustererOptions.sharesInputs(s.sharedInputs(), graph.size(0), s.k());
        ClustererOptions.requireModulesFit(NAME, k, graph.layerSizes(), shared);

        SpectralEmbedding embedding = SpectralEmbedding.of(graph, k, s.solver());
        SplittableRandom random = new SplittableRandom(seed);
        int[][] clusters = new int[graph.layerCount()][];
        for (int l = 0; l < graph.layerCount(); l++) {
            SplittableRandom forLayer = random.split();
            if (l > 0 || !shared) {
                clusters[l] = clusterLayer(embedding, graph, l, k, s.restarts(), s.balanced(), forLayer);
            }
        }
        int[][] modules = new int[graph.layerCount()][];
        modules[graph.classLayer()] = numberByLowestMember(clusters[graph.classLayer()], k);
        for (int l = graph.classLayer() - 1; l >= 0; l--) {
            if (l == 0 && shared) {
                modules[0] = new int[graph.size(0)];
                Arrays.fill(modules[0], -1);
                continue;
            }
            int[] moduleOfCluster = LabelAlignment.maximumMassMatching(
                    ConnectionMass.betweenModules(graph, l, clusters[l], modules[l + 1], k));
            modules[l] = new int[clusters[l].length];
            for (int i = 0; i < modules[l].length; i++) {
                modules[l][i] = moduleOfCluster[clusters[l][i]];
            }
        }
        return new ModuleMap(k, new ArrayList<>(Arrays.asList(modules)));
    }

    /**
     * k clusters of one node layer: k-means on the rows of its embedded nodes, then every node
     * of the layer placed by its distance to the centroids (nodes without a row have no
     * preference and fill the room left).
     */
    private static int[] clusterLayer(SpectralEmbedding embedding, NetworkGraph graph, int l, int k, int restarts,
            boolean balanced, SplittableRandom random) {
        double[][] rows = embedding.rows(l);
        int[] embedded = java.util.stream.IntStream.range(0, rows.length)
                .filter(i -> embedding.isEmbedded(graph.offset(l) + i) && norm(rows[i]) > 0).toArray();
        double[][] preference = new double[rows.length][k];
        if (embedded.length >= k) {
            double[][] points = new double[embedded.length][];
            for (int t = 0; t < embedded.length; t++) {
                points[t] = rows[embedded[t]];
            }
            double[][] centroids = SeededKMeans.cluster(points, k, restarts, balanced, random).centroids();
            for (int i : embedded) {
                for (int c = 0; c < k; c++) {
                    double d = 0;
                    for (int e = 0; e < rows[i].length; e++) {
                        double diff = rows[i][e] - centroids[c][e];
                        d += diff * diff;
                    }
                    preference[i][c] = -d;
                }
            }
        } else {
            for (int t = 0; t < embedded.length; t++) {
                preference[embedded[t]][t] = 1;
            }
        }
        return BalancedAssignment.assign(preference, k, balanced);
    }

    private static double norm(double[] row) {
        double s = 0;
        for (double v : row) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** Renumbers labels so that the label of item 0 becomes 0, the next new label 1, and so on. */
    private static int[] numberByLowestMember(int[] labels, int k) {
        int[] renumber = new int[k];
        Arrays.fill(renumber, -1);
        int next = 0;
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (renumber[labels[i]] == -1) {
                renumber[labels[i]] = next++;
            }
            out[i] = renumber[labels[i]];
        }
        return out;
    }
}
