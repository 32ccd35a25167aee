package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import org.junit.jupiter.api.Test;

class MnistMiniBuilderTest {

    /** Digits grouped as the npm files are: {@code perDigit[d]} samples of d; sample k of d has first pixel k / 1000. */
    private static Dataset grouped(int... perDigit) {
        int total = 0;
        for (int n : perDigit) {
            total += n;
        }
        float[] features = new float[total * MnistJsonReader.PIXELS];
        int[] labels = new int[total];
        int i = 0;
        for (int d = 0; d < perDigit.length; d++) {
            for (int k = 0; k < perDigit[d]; k++, i++) {
                labels[i] = d;
                features[i * MnistJsonReader.PIXELS] = k / 1000f;
            }
        }
        return new Dataset("mnist", new int[] {1, 28, 28}, 10, features, labels);
    }

    @Test
    void takesTheFirst300OfEachDigitInterleaved() {
        Dataset mini = MnistMiniBuilder.select(grouped(310, 301, 300, 320, 300, 300, 300, 300, 300, 330));

        assertThat(mini.size()).isEqualTo(3000);
        assertThat(mini.classCounts()).containsOnly(300);
        for (int i = 0; i < mini.size(); i++) {
            assertThat(mini.labels()[i]).isEqualTo(i % 10);
            assertThat(mini.features()[i * MnistJsonReader.PIXELS]).isEqualTo((i / 10) / 1000f);
        }
    }

    @Test
    void rejectsADigitWithTooFewSamples() {
        assertThatThrownBy(() -> MnistMiniBuilder.select(grouped(300, 300, 300, 300, 300, 299, 300, 300, 300, 300)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("digit 5 has 299 samples, fewer than the 300");
    }
}
