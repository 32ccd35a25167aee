package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import org.junit.jupiter.api.Test;

class AverageLinkageTest {

    /** Items 0, 2, 4 are alike, 1 and 3 are alike, 5 stands apart. */
    private static final double[][] SIMILARITY = {
        {1, .1, .9, .1, .8, .0},
        {.1, 1, .1, .9, .1, .0},
        {.9, .1, 1, .1, .7, .1},
        {.1, .9, .1, 1, .1, .0},
        {.8, .1, .7, .1, 1, .0},
        {.0, .0, .1, .0, .0, 1},
    };

    @Test
    void groupsSimilarItemsAndNumbersGroupsByTheirLowestItem() {
        assertThat(AverageLinkage.cluster(SIMILARITY, 3)).containsExactly(0, 1, 0, 1, 0, 2);
        assertThat(AverageLinkage.cluster(SIMILARITY, 6)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(AverageLinkage.cluster(SIMILARITY, 1)).containsOnly(0);
    }

    @Test
    void balancedCapsGroupSizes() {
        int[] g = AverageLinkage.cluster(SIMILARITY, 3, true);
        int[] sizes = new int[3];
        for (int v : g) {
            sizes[v]++;
        }
        assertThat(sizes).containsOnly(2);
        assertThat(g[0]).isEqualTo(g[2]);
        assertThat(g[1]).isEqualTo(g[3]);
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> AverageLinkage.cluster(SIMILARITY, 7)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("7 groups of 6");
        assertThatThrownBy(() -> AverageLinkage.cluster(new double[][] {{1, 0}, {0}}, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("square");
    }
}
