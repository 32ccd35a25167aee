package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The node layers of a network, as a {@link ModuleMap} indexes them, and which weights connect
 * nodes of one module. Node layer 0 is the input (features of an MLP, input channels of a
 * convolution), node layer {@code l + 1} is the output of weight array {@code l} (units of a
 * dense layer, channels of a convolution); the last node layer is the classes. A dense layer
 * that follows a convolution reads {@code channels × positions} inputs flattened channel-major
 * (DL4J's order), so its input {@code q} belongs to channel {@code q / positions}.
 */
public final class ModuleStructure {

    private ModuleStructure() {
    }

    /** The size of every node layer, from the checkpoint's weight shapes. */
    public static int[] nodeLayerSizes(Checkpoint c) {
        List<ParamTensor> w = c.weights();
        int[] sizes = new int[w.size() + 1];
        sizes[0] = (int) inputNodes(w.get(0));
        for (int l = 0; l < w.size(); l++) {
            sizes[l + 1] = (int) outputNodes(w.get(l));
        }
        return sizes;
    }

    /** Checks that a module map fits the checkpoint's node layers. */
    public static void check(Checkpoint c, ModuleMap m) {
        if (m.isEmpty()) {
            return;
        }
        int[] sizes = nodeLayerSizes(c);
        if (m.assignments().size() != sizes.length) {
            throw new InvalidInputException("module map has " + m.assignments().size() + " node layers, the network "
                    + sizes.length);
        }
        for (int l = 0; l < sizes.length; l++) {
            int[] a = m.assignments().get(l);
            if (a.length != sizes[l]) {
                throw new InvalidInputException("module map node layer " + l + " has " + a.length + " entries, the network "
                        + sizes[l]);
            }
            for (int v : a) {
                if (v < -1 || v >= m.k()) {
                    throw new InvalidInputException("module map node layer " + l + ": module " + v + " outside [-1, "
                            + m.k() + ")");
                }
            }
        }
    }

    /**
     * The module of every weight of weight array {@code l}: the module both its ends belong to,
     * or {@code -1} for an inter-module weight. An end shared by all modules (module -1) takes
     * the other end's module.
     */
    public static int[] moduleOfWeights(Checkpoint c, ModuleMap m, int l) {
        ParamTensor w = c.weights().get(l);
        int[] src = m.assignments().get(l);
        int[] dst = m.assignments().get(l + 1);
        int[] out = new int[w.size()];
        forEachWeight(w, src.length, (i, source, target) -> out[i] = join(src[source], dst[target]));
        return out;
    }

    /** Receives one weight: its index in the row-major values and the nodes it joins. */
    @FunctionalInterface
    public interface WeightVisitor {
        void visit(int index, int sourceNode, int targetNode);
    }

    /**
     * Visits every weight of a weight array with the node layers it joins: a dense {@code [nIn, nOut]}
     * (index {@code q·nOut + j}; {@code q / (nIn / sourceNodes)} is the source node, so a
     * channel's positions after a convolution share it) or a convolution {@code [nOut, nIn, kh, kw]}
     * (channels as nodes).
     */
    public static void forEachWeight(ParamTensor w, int sourceNodes, WeightVisitor visitor) {
        long[] s = w.shape();
        if (s.length == 2) {
            int nIn = (int) s[0];
            int nOut = (int) s[1];
            int perSource = nIn / sourceNodes;
            if (perSource * sourceNodes != nIn) {
                throw new InvalidInputException(w.name() + ": " + nIn + " inputs do not split into " + sourceNodes
                        + " source nodes");
            }
            for (int q = 0; q < nIn; q++) {
                for (int j = 0; j < nOut; j++) {
                    visitor.visit(q * nOut + j, q / perSource, j);
                }
            }
        } else if (s.length == 4) {
            int nIn = (int) s[1];
            int kernel = (int) (s[2] * s[3]);
            for (int i = 0; i < w.size(); i++) {
                visitor.visit(i, (i / kernel) % nIn, i / (kernel * nIn));
            }
        } else {
            throw new InvalidInputException(w.name() + ": unsupported weight rank " + s.length);
        }
    }

    /**
     * The module of every column of weight array {@code l}'s input matrix: a dense layer's inputs
     * (a channel's positions share its module after a convolution), a convolution's im2col patch
     * columns (channel-major, so column {@code q} belongs to channel {@code q / (kh · kw)}).
     */
    public static int[] inputPartition(Checkpoint c, ModuleMap m, int l) {
        ParamTensor w = c.weights().get(l);
        int[] src = m.assignments().get(l);
        long[] s = w.shape();
        int columns = (int) (s.length == 4 ? s[1] * s[2] * s[3] : s[0]);
        int per = columns / src.length;
        int[] out = new int[columns];
        for (int q = 0; q < columns; q++) {
            out[q] = src[q / per];
        }
        return out;
    }

    private static int join(int a, int b) {
        if (a == -1) {
            return b;
        }
        if (b == -1) {
            return a;
        }
        return a == b ? a : -1;
    }

    /** Modules present in every node layer: the modules that span the network. */
    public static List<Integer> spanningModules(ModuleMap m) {
        List<Integer> out = new ArrayList<>();
        for (int mod = 0; mod < m.k(); mod++) {
            boolean all = true;
            for (int[] layer : m.assignments()) {
                boolean has = false;
                for (int v : layer) {
                    if (v == mod || v == -1) {
                        has = true;
                        break;
                    }
                }
                all &= has;
            }
            if (all) {
                out.add(mod);
            }
        }
        return out;
    }

    private static long inputNodes(ParamTensor w) {
        return w.shape().length == 4 ? w.shape()[1] : w.shape()[0];
    }

    private static long outputNodes(ParamTensor w) {
        return w.shape().length == 4 ? w.shape()[0] : w.shape()[1];
    }
}
