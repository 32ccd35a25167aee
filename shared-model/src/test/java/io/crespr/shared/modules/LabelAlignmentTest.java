package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelAlignmentTest {

    @Test
    void findsTheObviousPermutation() {
        double[][] mass = {{0, 9, 1}, {1, 0, 8}, {7, 1, 0}};
        // Cluster 0 belongs with module 2, cluster 1 with module 0, cluster 2 with module 1.
        assertThat(LabelAlignment.maximumMassMatching(mass)).containsExactly(2, 0, 1);
    }

    @Test
    void isOptimalAgainstBruteForce() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            int k = 1 + r.nextInt(6);
            double[][] mass = new double[k][k];
            for (double[] row : mass) {
                for (int j = 0; j < k; j++) {
                    row[j] = r.nextInt(4) == 0 ? 0 : r.nextDouble() * 10;
                }
            }
            int[] found = LabelAlignment.maximumMassMatching(mass);
            assertThat(found).doesNotHaveDuplicates();
            assertThat(total(mass, found)).isCloseTo(best(mass, new int[k], new boolean[k], 0),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    private static double total(double[][] mass, int[] moduleOfCluster) {
        double t = 0;
        for (int c = 0; c < moduleOfCluster.length; c++) {
            t += mass[moduleOfCluster[c]][c];
        }
        return t;
    }

    private static double best(double[][] mass, int[] perm, boolean[] used, int c) {
        if (c == perm.length) {
            return total(mass, perm);
        }
        double b = Double.NEGATIVE_INFINITY;
        for (int m = 0; m < perm.length; m++) {
            if (!used[m]) {
                used[m] = true;
                perm[c] = m;
                b = Math.max(b, best(mass, perm, used, c + 1));
                used[m] = false;
            }
        }
        return b;
    }
}
