package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import java.util.List;

/**
 * A network seen as a layered, weighted graph: one node per input feature (or input channel
 * of a convolution), per hidden unit (or channel) and per class, numbered by node layer as
 * {@link ModuleStructure} and {@link io.crespr.shared.model.ModuleMap} number them, and one
 * edge between consecutive node layers whose weight is the connection mass between the two
 * nodes:
 * <ul>
 *   <li>dense weight {@code W[q, j]} ({@code [nIn, nOut]}, row-major): {@code |W[q, j]|};</li>
 *   <li>convolution {@code W[o, i, kh, kw]}: the L1 norm of the kernel slice {@code W[o, i, ·, ·]}
 *       between input channel {@code i} and output channel {@code o};</li>
 *   <li>a dense layer after a convolution reads {@code channels × positions} inputs
 *       channel-major, so the mass between channel {@code c} and unit {@code j} is the sum of
 *       {@code |W[q, j]|} over the positions {@code q} of channel {@code c}.</li>
 * </ul>
 * Pruned weights are exactly zero in a checkpoint, so the graph holds the surviving weights
 * only. Every edge joins node layer {@code l} to {@code l + 1}, so the graph is bipartite
 * between even and odd node layers.
 */
public final class NetworkGraph {

    private final int[] layerSizes;
    private final int[] offsets;
    /** {@code masses[l][src * size(l + 1) + dst]}: the mass between node src of layer l and node dst of layer l + 1. */
    private final double[][] masses;

    private NetworkGraph(int[] layerSizes, double[][] masses) {
        this.layerSizes = layerSizes;
        this.masses = masses;
        this.offsets = new int[layerSizes.length + 1];
        for (int l = 0; l < layerSizes.length; l++) {
            offsets[l + 1] = offsets[l] + layerSizes[l];
        }
    }

    /** The graph of a checkpoint's weights. */
    public static NetworkGraph of(Checkpoint c) {
        List<ParamTensor> weights = c.weights();
        if (weights.isEmpty()) {
            throw new InvalidInputException("checkpoint " + c.id() + " has no weight arrays to cluster");
        }
        int[] sizes = ModuleStructure.nodeLayerSizes(c);
        double[][] masses = new double[weights.size()][];
        for (int l = 0; l < weights.size(); l++) {
            masses[l] = massBetween(weights.get(l), sizes[l], sizes[l + 1]);
        }
        return new NetworkGraph(sizes, masses);
    }

    /**
     * A graph given directly by its layer sizes and mass matrices (for tests and synthetic
     * graphs). {@code masses[l]} is {@code size(l) × size(l + 1)}, source-major; it is copied.
     */
    public static NetworkGraph of(int[] layerSizes, double[][] masses) {
        if (layerSizes.length < 2 || masses.length != layerSizes.length - 1) {
            throw new InvalidInputException("a network graph needs at least 2 node layers and one mass matrix between"
                    + " each consecutive pair, got " + layerSizes.length + " layers and " + masses.length + " matrices");
        }
        double[][] copy = new double[masses.length][];
        for (int l = 0; l < masses.length; l++) {
            if (masses[l].length != (long) layerSizes[l] * layerSizes[l + 1]) {
                throw new InvalidInputException("mass matrix " + l + " has " + masses[l].length + " entries, layers "
                        + layerSizes[l] + " x " + layerSizes[l + 1] + " need " + (long) layerSizes[l] * layerSizes[l + 1]);
            }
            for (double m : masses[l]) {
                if (!(m >= 0) || Double.isInfinite(m)) {
                    throw new InvalidInputException("mass matrix " + l + " holds " + m + "; masses must be finite and >= 0");
                }
            }
            copy[l] = masses[l].clone();
        }
        return new NetworkGraph(layerSizes.clone(), copy);
    }

    private static double[] massBetween(ParamTensor w, int srcNodes, int dstNodes) {
        long[] s = w.shape();
        float[] v = w.values();
        double[] mass = new double[srcNodes * dstNodes];
        if (s.length == 2) {
            int nIn = (int) s[0];
            int nOut = (int) s[1];
            int perSource = nIn / srcNodes;
            if (perSource * srcNodes != nIn || nOut != dstNodes) {
                throw new InvalidInputException(w.name() + ": " + nIn + " inputs do not split into " + srcNodes
                        + " source nodes");
            }
            for (int q = 0; q < nIn; q++) {
                int row = (q / perSource) * dstNodes;
                int base = q * nOut;
                for (int j = 0; j < nOut; j++) {
                    mass[row + j] += Math.abs(v[base + j]);
                }
            }
        } else if (s.length == 4) {
            int nOut = (int) s[0];
            int nIn = (int) s[1];
            int kernel = (int) (s[2] * s[3]);
            for (int o = 0; o < nOut; o++) {
                for (int i = 0; i < nIn; i++) {
                    int base = (o * nIn + i) * kernel;
                    double l1 = 0;
                    for (int t = 0; t < kernel; t++) {
                        l1 += Math.abs(v[base + t]);
                    }
                    mass[i * dstNodes + o] = l1;
                }
            }
        } else {
            throw new InvalidInputException(w.name() + ": unsupported weight rank " + s.length);
        }
        return mass;
    }

    /** Number of node layers: inputs, every hidden layer, classes. */
    public int layerCount() {
        return layerSizes.length;
    }

    /** Index of the class layer (the last node layer). */
    public int classLayer() {
        return layerSizes.length - 1;
    }

    /** Nodes in node layer {@code l}. */
    public int size(int l) {
        return layerSizes[l];
    }

    /** Sizes of all node layers (a copy). */
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** Total number of nodes. */
    public int nodeCount() {
        return offsets[layerSizes.length];
    }

    /** Global index of node 0 of layer {@code l}; nodes are numbered layer after layer. */
    public int offset(int l) {
        return offsets[l];
    }

    /** The mass between node {@code src} of layer {@code l} and node {@code dst} of layer {@code l + 1}. */
    public double mass(int l, int src, int dst) {
        return masses[l][src * layerSizes[l + 1] + dst];
    }

    /**
     * The mass matrix between layers {@code l} and {@code l + 1}, source-major
     * ({@code [src * size(l + 1) + dst]}). The array is the graph's own: do not modify it.
     */
    double[] massMatrix(int l) {
        return masses[l];
    }

    /** Degree (total incident mass) of every node, by global index. */
    public double[] degrees() {
        double[] d = new double[nodeCount()];
        for (int l = 0; l < masses.length; l++) {
            int nDst = layerSizes[l + 1];
            double[] m = masses[l];
            for (int i = 0; i < layerSizes[l]; i++) {
                for (int j = 0; j < nDst; j++) {
                    double w = m[i * nDst + j];
                    d[offsets[l] + i] += w;
                    d[offsets[l + 1] + j] += w;
                }
            }
        }
        return d;
    }

    /** Total mass of all edges. */
    public double totalMass() {
        double t = 0;
        for (double[] m : masses) {
            for (double w : m) {
                t += w;
            }
        }
        return t;
    }
}
