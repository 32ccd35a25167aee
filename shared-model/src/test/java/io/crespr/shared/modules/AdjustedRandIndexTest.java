package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdjustedRandIndexTest {

    @Test
    void identicalPartitionsScoreOneWhateverTheLabels() {
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1, 2, 2}, new int[] {5, 5, 3, 3, -1, -1})).isEqualTo(1.0);
    }

    @Test
    void matchesTheTextbookValue() {
        // Hubert & Arabie's formula; scikit-learn's adjusted_rand_score gives the same 0.5714...
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2})).isCloseTo(4.0 / 7,
                within(1e-12));
        // One block against all singletons: no agreement beyond chance.
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3})).isZero();
        // Symmetric.
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1})).isCloseTo(4.0 / 7,
                within(1e-12));
    }

    @Test
    void independentPartitionsScoreNearZero() {
        SplittableRandom r = new SplittableRandom(3);
        int[] a = new int[5000];
        int[] b = new int[5000];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(3);
            b[i] = r.nextInt(3);
        }
        assertThat(AdjustedRandIndex.of(a, b)).isCloseTo(0, within(0.01));
    }

    @Test
    void degenerateCases() {
        assertThat(AdjustedRandIndex.of(new int[] {7}, new int[] {1})).isEqualTo(1.0);
        assertThat(AdjustedRandIndex.of(new int[] {1, 1, 1}, new int[] {2, 2, 2})).isEqualTo(1.0);
        assertThat(AdjustedRandIndex.of(new int[] {1, 2, 3}, new int[] {4, 5, 6})).isEqualTo(1.0);
    }

    @Test
    void differentLengthsAreRejected() {
        assertThatThrownBy(() -> AdjustedRandIndex.of(new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 and 1");
    }
}
