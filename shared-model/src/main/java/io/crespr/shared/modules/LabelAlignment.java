package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;

/**
 * Matches the cluster labels of one node layer to the modules of an adjacent, already
 * labelled layer so that the connection mass inside modules is as large as possible: the
 * assignment problem on the {@code k × k} mass matrix, solved exactly by the Hungarian method
 * (Kuhn 1955; Munkres 1957) in the shortest-augmenting-path form with potentials,
 * {@code O(k³)}.
 */
public final class LabelAlignment {

    private LabelAlignment() {
    }

    /**
     * The permutation that maximises {@code Σ_c mass[module(c)][c]}.
     *
     * @param mass {@code mass[module][cluster]}: the connection mass between the nodes of a
     *             module in the labelled layer and the nodes of a cluster in the layer being
     *             aligned; square, finite
     * @return {@code module[cluster]}, a permutation of {@code 0 … k-1}
     */
    public static int[] maximumMassMatching(double[][] mass) {
        int k = mass.length;
        double max = 0;
        for (double[] row : mass) {
            if (row.length != k) {
                throw new InvalidInputException("label alignment needs a square mass matrix, got " + k + " x "
                        + row.length);
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("label alignment: mass " + v + " is not finite");
                }
                max = Math.max(max, v);
            }
        }
        // Minimum-cost assignment of rows (modules) to columns (clusters) with cost = max - mass.
        double[] u = new double[k + 1];
        double[] v = new double[k + 1];
        int[] rowOfColumn = new int[k + 1];
        int[] way = new int[k + 1];
        for (int row = 1; row <= k; row++) {
            rowOfColumn[0] = row;
            int column0 = 0;
            double[] minv = new double[k + 1];
            boolean[] used = new boolean[k + 1];
            java.util.Arrays.fill(minv, Double.POSITIVE_INFINITY);
            do {
                used[column0] = true;
                int row0 = rowOfColumn[column0];
                double delta = Double.POSITIVE_INFINITY;
                int column1 = 0;
                for (int j = 1; j <= k; j++) {
                    if (used[j]) {
                        continue;
                    }
                    double cur = (max - mass[row0 - 1][j - 1]) - u[row0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = column0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        column1 = j;
                    }
                }
                for (int j = 0; j <= k; j++) {
                    if (used[j]) {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                column0 = column1;
            } while (rowOfColumn[column0] != 0);
            do {
                int column1 = way[column0];
                rowOfColumn[column0] = rowOfColumn[column1];
                column0 = column1;
            } while (column0 != 0);
        }
        int[] moduleOfCluster = new int[k];
        for (int j = 1; j <= k; j++) {
            moduleOfCluster[j - 1] = rowOfColumn[j] - 1;
        }
        return moduleOfCluster;
    }
}
