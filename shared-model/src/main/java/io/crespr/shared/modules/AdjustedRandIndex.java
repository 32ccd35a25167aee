package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import java.util.HashMap;
import java.util.Map;

/**
 * The adjusted Rand index of two partitions of the same items (Hubert &amp; Arabie 1985,
 * "Comparing partitions", J. Classification 2:193–218): the Rand index corrected for chance,
 * 1 for identical partitions (whatever the labels are called), about 0 for independent ones,
 * and negative for less agreement than chance. Labels are arbitrary integers, so module
 * numbers and planted group numbers need not match.
 */
public final class AdjustedRandIndex {

    private AdjustedRandIndex() {
    }

    /**
     * The adjusted Rand index of labellings {@code a} and {@code b} of the same items.
     * Degenerate cases, where chance agreement is total (fewer than 2 items, or both
     * partitions a single block, or both all singletons), give 1 when the partitions are the
     * same and 0 otherwise.
     */
    public static double of(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new InvalidInputException("adjusted Rand index needs two labellings of the same items, got "
                    + a.length + " and " + b.length + " labels");
        }
        int n = a.length;
        if (n < 2) {
            return 1.0;
        }
        Map<Integer, Integer> rowsOfA = index(a);
        Map<Integer, Integer> colsOfB = index(b);
        long[][] table = new long[rowsOfA.size()][colsOfB.size()];
        long[] rowSum = new long[rowsOfA.size()];
        long[] colSum = new long[colsOfB.size()];
        for (int i = 0; i < n; i++) {
            int r = rowsOfA.get(a[i]);
            int c = colsOfB.get(b[i]);
            table[r][c]++;
            rowSum[r]++;
            colSum[c]++;
        }
        double pairsTogetherInBoth = 0;
        for (long[] row : table) {
            for (long v : row) {
                pairsTogetherInBoth += pairs(v);
            }
        }
        double pairsA = 0;
        for (long v : rowSum) {
            pairsA += pairs(v);
        }
        double pairsB = 0;
        for (long v : colSum) {
            pairsB += pairs(v);
        }
        double expected = pairsA * pairsB / pairs(n);
        double maximum = 0.5 * (pairsA + pairsB);
        if (maximum == expected) {
            return pairsTogetherInBoth == maximum && pairsA == pairsB ? 1.0 : 0.0;
        }
        return (pairsTogetherInBoth - expected) / (maximum - expected);
    }

    private static Map<Integer, Integer> index(int[] labels) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int v : labels) {
            m.putIfAbsent(v, m.size());
        }
        return m;
    }

    private static double pairs(long v) {
        return v * (v - 1) / 2.0;
    }
}
