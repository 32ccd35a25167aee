package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;

/** Connection mass between the nodes of one node layer and the modules of the next, read off a {@link NetworkGraph}. */
public final class ConnectionMass {

    private ConnectionMass() {
    }

    /**
     * How strongly every node of layer {@code l} connects to each module of layer {@code l + 1}:
     * {@code affinity[i][m] = Σ_{j ∈ m} mass(l, i, j) / |m|}, the mean outgoing mass of node
     * {@code i} per node of module {@code m}, so that a module with more nodes above does not
     * win by size alone. A module with no node in layer {@code l + 1} has affinity 0; nodes
     * above that are shared ({@code -1}) are ignored.
     */
    public static double[][] towardModulesAbove(NetworkGraph g, int l, int[] modulesAbove, int k) {
        checkLayer(g, l, modulesAbove, l + 1);
        int nDst = g.size(l + 1);
        int[] count = new int[k];
        for (int m : modulesAbove) {
            if (m >= 0) {
                count[m]++;
            }
        }
        double[] mass = g.massMatrix(l);
        double[][] affinity = new double[g.size(l)][k];
        for (int i = 0; i < g.size(l); i++) {
            for (int j = 0; j < nDst; j++) {
                int m = modulesAbove[j];
                if (m >= 0) {
                    affinity[i][m] += mass[i * nDst + j];
                }
            }
            for (int m = 0; m < k; m++) {
                affinity[i][m] = count[m] == 0 ? 0 : affinity[i][m] / count[m];
            }
        }
        return affinity;
    }

    /**
     * The {@code k × k} matrix of connection mass between the modules of layer {@code l + 1}
     * (rows) and the clusters of layer {@code l} (columns): the input of
     * {@link LabelAlignment#maximumMassMatching}.
     */
    public static double[][] betweenModules(NetworkGraph g, int l, int[] clustersBelow, int[] modulesAbove, int k) {
        checkLayer(g, l, clustersBelow, l);
        checkLayer(g, l, modulesAbove, l + 1);
        int nDst = g.size(l + 1);
        double[] mass = g.massMatrix(l);
        double[][] between = new double[k][k];
        for (int i = 0; i < g.size(l); i++) {
            int below = clustersBelow[i];
            if (below < 0) {
                continue;
            }
            for (int j = 0; j < nDst; j++) {
                int above = modulesAbove[j];
                if (above >= 0) {
                    between[above][below] += mass[i * nDst + j];
                }
            }
        }
        return between;
    }

    private static void checkLayer(NetworkGraph g, int l, int[] labels, int layer) {
        if (l < 0 || l + 1 >= g.layerCount()) {
            throw new InvalidInputException("no weights between node layers " + l + " and " + (l + 1) + " of a "
                    + g.layerCount() + "-layer graph");
        }
        if (labels.length != g.size(layer)) {
            throw new InvalidInputException("node layer " + layer + " has " + g.size(layer) + " nodes, got "
                    + labels.length + " labels");
        }
    }
}
