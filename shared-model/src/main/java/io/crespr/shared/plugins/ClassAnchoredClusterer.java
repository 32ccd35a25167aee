package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.Predictions;
import io.crespr.shared.modules.AverageLinkage;
import io.crespr.shared.modules.BalancedAssignment;
import io.crespr.shared.modules.ClassSimilarity;
import io.crespr.shared.modules.ClustererOptions;
import io.crespr.shared.modules.ConnectionMass;
import io.crespr.shared.modules.NetworkGraph;
import io.crespr.shared.modules.SpectralEmbedding;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.PluginOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code class-anchored}: modules that span the network, anchored on groups of classes.
 *
 * <ol>
 *   <li>The classes are grouped into {@code k} modules by agglomerative average linkage
 *       ({@link AverageLinkage}) on a class similarity chosen by option {@code grouping}:
 *       <ul>
 *         <li>{@code confusion} (default): the symmetrised confusion rates of the network on
 *             {@code data.validation()} ({@link ClassSimilarity#ofConfusion}), plus
 *             {@value #TIE_BREAK} times the {@code weights} similarity so that classes the
 *             network never confuses are still ordered;</li>
 *         <li>{@code weights}: the cosine similarity of each class's incoming |w| vector in the
 *             last layer ({@link ClassSimilarity#ofIncomingWeights});</li>
 *         <li>{@code spectral}: the cosine similarity of the classes' rows in the spectral
 *             embedding of the whole weight graph ({@link ClassSimilarity#ofSpectralEmbedding}),
 *             which discounts the common mode of dense layers.</li>
 *       </ul>
 *       Class groups follow the task (e.g. footwear against the rest of Fashion-MNIST) unless
 *       {@code balancedClasses=true} caps them at {@code ⌈classes/k⌉}.</li>
 *   <li>Every unit of the last hidden layer joins the module its outgoing |w| mass favours
 *       (mean mass per node of each module, {@link ConnectionMass#towardModulesAbove}); then the
 *       layer below by its mass toward the modules just assigned, and so on down to the input
 *       features (convolutions: channels, with kernel-slice L1 masses).</li>
 * </ol>
 * With {@code balanced=true} (default) each layer's units (and input features) get
 * equal-as-possible module sizes, placed greedily by margin ({@link BalancedAssignment#balanced});
 * with {@code balanced=false} each node takes its favourite module and an empty module takes the
 * node that loses least by moving. Either way every module holds nodes of every layer, so every
 * module spans the network. With {@code sharedInputs=true} all input nodes get module {@code -1}
 * (shared by all modules), which also lets {@code k} exceed the input channels of a
 * convolutional network.
 *
 * <p>This is the construction of the project's second reference study (RESEARCH-NOTES:
 * confusion grouping, balanced units), where plain spectral clustering of the whole network cut
 * along layers instead. Deterministic: all ties are broken by index and no random draw is
 * made, so the seed is not used and the same checkpoint and data always give the same map.
 * Choosing {@code k} by validation is left to the caller.
 *
 * <p>Which grouping finds which structure (measured on the {@code synthetic} task's planted
 * modules, see the tests): {@code confusion} needs a network that errs, and a network that
 * separates every class perfectly gives no signal; {@code weights} fails when each class has
 * its own units (the common case: same-group classes then share no last-layer unit);
 * {@code spectral} with {@code balancedClasses=true} recovered the planted class groups.
 *
 * <p>Options: {@code k} (default 2), {@code grouping} ({@code confusion} | {@code weights} |
 * {@code spectral}), {@code balanced} (default true), {@code balancedClasses} (default false),
 * {@code sharedInputs} ({@code auto} by default: shared when the input layer has fewer nodes than k).
 */
public final class ClassAnchoredClusterer implements Clusterer {

    /** The plugin's name. */
    public static final String NAME = "class-anchored";

    /** Weight of the |w| cosine similarity added to confusion rates to order never-confused classes. */
    public static final double TIE_BREAK = 1e-6;

    /** The class similarity used when the plan names none. */
    public static final String DEFAULT_GROUPING = "confusion";

    private static final Set<String> GROUPINGS = Set.of("confusion", "weights", "spectral");

    /** The parsed options. */
    record Settings(int k, String grouping, boolean balanced, boolean balancedClasses, String sharedInputs) {

        static Settings of(PluginOptions options) {
            int k = ClustererOptions.atLeast(options, "k", 2, 1);
            return new Settings(k, ClustererOptions.choice(options, "grouping", DEFAULT_GROUPING, GROUPINGS),
                    ClustererOptions.flag(options, "balanced", true),
                    ClustererOptions.flag(options, "balancedClasses", false),
                    ClustererOptions.sharedInputs(options));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "modules anchored on class groups (average linkage), units assigned backwards by |w| mass";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("k", "kChoices", "grouping", "balanced", "balancedClasses", "sharedInputs");
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
        NetworkGraph graph = NetworkGraph.of(checkpoint);
        boolean shared = ClustererOptions.sharesInputs(s.sharedInputs(), graph.size(0), s.k());
        ClustererOptions.requireModulesFit(NAME, s.k(), graph.layerSizes(), shared);

        double[][] similarity = switch (s.grouping()) {
            case "spectral" -> ClassSimilarity.ofSpectralEmbedding(graph, s.k(), SpectralEmbedding.Solver.BIPARTITE);
            case "confusion" -> {
                double[][] confusion = confusionSimilarity(checkpoint, data, graph.size(graph.classLayer()));
                double[][] weights = ClassSimilarity.ofIncomingWeights(graph);
                for (int a = 0; a < confusion.length; a++) {
                    for (int b = 0; b < confusion.length; b++) {
                        confusion[a][b] += TIE_BREAK * weights[a][b];
                    }
                }
                yield confusion;
            }
            default -> ClassSimilarity.ofIncomingWeights(graph);
        };
        int[][] modules = new int[graph.layerCount()][];
        modules[graph.classLayer()] = AverageLinkage.cluster(similarity, s.k(), s.balancedClasses());
        for (int l = graph.classLayer() - 1; l >= 0; l--) {
            if (l == 0 && shared) {
                modules[0] = new int[graph.size(0)];
                Arrays.fill(modules[0], -1);
                continue;
            }
            double[][] affinity = ConnectionMass.towardModulesAbove(graph, l, modules[l + 1], s.k());
            modules[l] = BalancedAssignment.assign(affinity, s.k(), s.balanced());
        }
        return new ModuleMap(s.k(), new ArrayList<>(Arrays.asList(modules)));
    }

    private static double[][] confusionSimilarity(Checkpoint checkpoint, DataSplit data, int classes) {
        if (data == null || data.validation() == null || data.validation().size() == 0) {
            throw new InvalidInputException(NAME + " option grouping=confusion needs validation data, got none;"
                    + " use grouping=weights or grouping=spectral without data");
        }
        if (data.validation().numClasses() != classes) {
            throw new InvalidInputException(NAME + ": the validation data has " + data.validation().numClasses()
                    + " classes, the network " + classes);
        }
        int[] predicted = Predictions.predict(Networks.fromCheckpoint(checkpoint, null, 0L), data.validation());
        return ClassSimilarity.ofConfusion(predicted, data.validation().labels(), classes);
    }
}
