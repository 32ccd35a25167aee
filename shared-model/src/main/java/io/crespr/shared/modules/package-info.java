/**
 * Modules of a network: the graph, the building blocks of the cluster plugins, and measures
 * of a module partition.
 *
 * <p>A CRESPR module is a group of input features, hidden units of every hidden layer and at
 * least one class, with mostly internal connections; pruning then removes inter-module
 * connections first. The cluster plugins that build such modules live in
 * {@code io.crespr.shared.plugins} ({@code class-anchored}, {@code spectral}); what they share
 * lives here:
 * <ul>
 *   <li>{@link io.crespr.shared.modules.NetworkGraph}: the network as a layered graph with |w|
 *       (conv: kernel-slice L1) edge masses, node layers numbered as in
 *       {@link io.crespr.shared.model.ModuleMap};</li>
 *   <li>{@link io.crespr.shared.modules.SpectralEmbedding}: normalized-Laplacian eigenvectors
 *       (Shi &amp; Malik 2000; Ng, Jordan &amp; Weiss 2002) through the bipartite structure
 *       (Dhillon 2001), with residual checks and a double-precision fallback;</li>
 *   <li>{@link io.crespr.shared.modules.SeededKMeans},
 *       {@link io.crespr.shared.modules.BalancedAssignment},
 *       {@link io.crespr.shared.modules.LabelAlignment},
 *       {@link io.crespr.shared.modules.AverageLinkage},
 *       {@link io.crespr.shared.modules.ClassSimilarity} and
 *       {@link io.crespr.shared.modules.ConnectionMass}: clustering, balanced assignment with
 *       capacities, Hungarian label alignment, class grouping;</li>
 *   <li>measures: {@link io.crespr.shared.modules.AdjustedRandIndex} (agreement with a planted
 *       partition), {@link io.crespr.shared.modules.InterModuleMass} (share of surviving |w|
 *       between modules) and {@link io.crespr.shared.modules.NormalizedCut};</li>
 *   <li>{@link io.crespr.shared.modules.ClustererOptions}: option parsing and the check that
 *       {@code k} modules fit every layer.</li>
 * </ul>
 * Every random draw comes from a {@link java.util.SplittableRandom} made from the caller's
 * seed and split per use, so the same seed gives the same modules. Bad input is an
 * {@link io.crespr.shared.InvalidInputException} with a one-line message naming the value.
 */
package io.crespr.shared.modules;
