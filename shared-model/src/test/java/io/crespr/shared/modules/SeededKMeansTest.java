package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeededKMeansTest {

    /** Three tight blobs of 10, 10 and 10 points. */
    private static double[][] blobs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centers = {{0, 0}, {5, 5}, {-5, 5}};
        double[][] p = new double[30][];
        for (int i = 0; i < 30; i++) {
            double[] c = centers[i % 3];
            p[i] = new double[] {c[0] + r.nextDouble() - 0.5, c[1] + r.nextDouble() - 0.5};
        }
        return p;
    }

    @Test
    void findsSeparatedBlobsBalancedOrNot() {
        double[][] p = blobs(1);
        for (boolean balanced : new boolean[] {true, false}) {
            int[] labels = SeededKMeans.cluster(p, 3, 5, balanced, new SplittableRandom(7)).labels();
            int[] truth = new int[30];
            for (int i = 0; i < 30; i++) {
                truth[i] = i % 3;
            }
            assertThat(AdjustedRandIndex.of(labels, truth)).isEqualTo(1.0);
        }
    }

    @Test
    void theSameSeedGivesTheSameClusters() {
        SplittableRandom r = new SplittableRandom(2);
        double[][] noise = new double[50][3];
        for (double[] row : noise) {
            for (int j = 0; j < 3; j++) {
                row[j] = r.nextDouble();
            }
        }
        SeededKMeans.Result a = SeededKMeans.cluster(noise, 4, 3, true, new SplittableRandom(11));
        SeededKMeans.Result b = SeededKMeans.cluster(noise, 4, 3, true, new SplittableRandom(11));
        assertThat(b.labels()).containsExactly(a.labels());
        assertThat(b.inertia()).isEqualTo(a.inertia());
        int[] sizes = new int[4];
        for (int v : a.labels()) {
            sizes[v]++;
        }
        assertThat(sizes).containsExactlyInAnyOrder(13, 13, 12, 12);
    }

    @Test
    void identicalPointsStillGiveKNonEmptyClusters() {
        double[][] same = new double[6][];
        for (int i = 0; i < 6; i++) {
            same[i] = new double[] {1, 1};
        }
        int[] labels = SeededKMeans.cluster(same, 3, 2, false, new SplittableRandom(1)).labels();
        assertThat(labels).contains(0, 1, 2);
    }
}
