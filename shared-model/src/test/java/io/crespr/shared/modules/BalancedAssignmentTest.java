package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BalancedAssignmentTest {

    private static int[] sizes(int[] module, int k) {
        int[] s = new int[k];
        for (int m : module) {
            s[m]++;
        }
        return s;
    }

    @Test
    void sizesAreEqualAsPossibleWhateverThePreferences() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : new int[] {4, 10, 11, 37}) {
            for (int k = 1; k <= 4; k++) {
                double[][] p = new double[n][k];
                for (double[] row : p) {
                    // Everyone prefers module 0, by different margins.
                    row[0] = 1 + r.nextDouble();
                }
                int[] s = sizes(BalancedAssignment.balanced(p, k), k);
                int min = Arrays.stream(s).min().orElseThrow();
                int max = Arrays.stream(s).max().orElseThrow();
                assertThat(max - min).as("n=%d k=%d sizes %s", n, k, Arrays.toString(s)).isLessThanOrEqualTo(1);
                assertThat(Arrays.stream(s).sum()).isEqualTo(n);
            }
        }
    }

    @Test
    void theWidestMarginIsServedFirst() {
        // Capacity 1 each: node 1 cares much more about module 0 than node 0 does.
        double[][] p = {{1.0, 0.9}, {5.0, 0.0}};
        assertThat(BalancedAssignment.balanced(p, 2)).containsExactly(1, 0);
    }

    @Test
    void nodesWithoutPreferenceFillTheRoomLeft() {
        double[][] p = {{0, 0}, {3, 0}, {2, 0}, {0, 0}};
        assertThat(BalancedAssignment.balanced(p, 2)).containsExactly(1, 0, 0, 1);
    }

    @Test
    void preferredKeepsEveryModuleNonEmpty() {
        double[][] p = {{3, 0, 0}, {2, 1.5, 0}, {2, 0, 1}, {4, 0, 0}};
        int[] m = BalancedAssignment.preferred(p, 3);
        assertThat(m).containsExactly(0, 1, 2, 0);
        assertThat(BalancedAssignment.preferred(new double[][] {{1, 0}, {0, 1}, {1, 0}}, 2)).containsExactly(0, 1, 0);
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> BalancedAssignment.balanced(new double[][] {{1, 2}}, 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 nodes to 2");
        assertThatThrownBy(() -> BalancedAssignment.balanced(new double[][] {{1, Double.NaN}, {0, 0}}, 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("NaN");
    }
}
