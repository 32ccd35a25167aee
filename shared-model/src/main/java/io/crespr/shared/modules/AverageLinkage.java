package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Agglomerative clustering with average linkage (UPGMA; Sokal &amp; Michener 1958) on a
 * similarity matrix: start from singletons and repeatedly merge the two groups whose mean
 * pairwise similarity is highest, until {@code k} groups are left. Group similarities are
 * updated with the Lance–Williams formula, so the whole run is {@code O(n³)} at most.
 * Deterministic: ties go to the pair whose lowest members come first.
 */
public final class AverageLinkage {

    private AverageLinkage() {
    }

    /**
     * Groups {@code n} items into {@code k} groups.
     *
     * @param similarity symmetric {@code n × n}, finite; the diagonal is ignored
     * @return the group of every item, numbered in order of each group's lowest item (item 0
     *         is in group 0)
     */
    public static int[] cluster(double[][] similarity, int k) {
        return cluster(similarity, k, false);
    }

    /**
     * As {@link #cluster(double[][], int)}; with {@code balanced}, no group may grow beyond
     * {@code ⌈n/k⌉} items: only merges within that size are considered, and only when none is
     * left does the merge giving the smallest group go ahead (the most similar pair among
     * those). Group sizes then stay close to {@code n/k} whatever the similarities say.
     */
    public static int[] cluster(double[][] similarity, int k, boolean balanced) {
        int n = similarity.length;
        if (k < 1 || k > n) {
            throw new InvalidInputException("average linkage cannot make " + k + " groups of " + n + " items");
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (similarity[i].length != n) {
                throw new InvalidInputException("similarity matrix must be square, row " + i + " has "
                        + similarity[i].length + " entries, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                double v = similarity[i][j];
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("similarity " + v + " at (" + i + ", " + j + ") is not finite");
                }
                s[i][j] = 0.5 * (v + similarity[j][i]);
            }
        }
        // Every group is kept at the index of its lowest member; merged groups go inactive.
        List<List<Integer>> members = new ArrayList<>();
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            members.add(new ArrayList<>(List.of(i)));
            active[i] = true;
        }
        int cap = balanced ? (n + k - 1) / k : n;
        for (int groups = n; groups > k; groups--) {
            int bestA = -1;
            int bestB = -1;
            int bestSize = Integer.MAX_VALUE;
            double best = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < n; a++) {
                if (!active[a]) {
                    continue;
                }
                for (int b = a + 1; b < n; b++) {
                    if (!active[b]) {
                        continue;
                    }
                    // Within the cap every size is as good; beyond it, smaller merged groups first.
                    int size = Math.max(cap, members.get(a).size() + members.get(b).size());
                    if (size < bestSize || (size == bestSize && s[a][b] > best)) {
                        bestSize = size;
                        best = s[a][b];
                        bestA = a;
                        bestB = b;
                    }
                }
            }
            int sizeA = members.get(bestA).size();
            int sizeB = members.get(bestB).size();
            for (int c = 0; c < n; c++) {
                if (active[c] && c != bestA && c != bestB) {
                    double merged = (sizeA * s[bestA][c] + sizeB * s[bestB][c]) / (sizeA + sizeB);
                    s[bestA][c] = merged;
                    s[c][bestA] = merged;
                }
            }
            members.get(bestA).addAll(members.get(bestB));
            active[bestB] = false;
        }
        int[] group = new int[n];
        int next = 0;
        for (int a = 0; a < n; a++) {
            if (active[a]) {
                for (int item : members.get(a)) {
                    group[item] = next;
                }
                next++;
            }
        }
        return group;
    }
}
