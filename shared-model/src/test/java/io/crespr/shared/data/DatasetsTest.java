package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetsTest {

    @TempDir
    Path dataDir;

    @Test
    void namesAreTheFourKnownDatasets() {
        assertThat(Datasets.names()).containsExactly("mnist-mini", "mnist", "fashion-mnist", "synthetic");
    }

    @Test
    void mnistMiniIsShippedAndSplit2000500500() {
        DataSplit split = Datasets.load("mnist-mini", null, 1);

        assertThat(split.name()).isEqualTo("mnist-mini");
        assertThat(split.train().size()).isEqualTo(2000);
        assertThat(split.validation().size()).isEqualTo(500);
        assertThat(split.test().size()).isEqualTo(500);
        assertThat(split.featureCount()).isEqualTo(784);
        assertThat(split.inputShape()).containsExactly(1, 28, 28);
        assertThat(split.numClasses()).isEqualTo(10);
        for (Dataset part : new Dataset[] {split.train(), split.validation(), split.test()}) {
            float min = 1;
            float max = 0;
            for (float v : part.features()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertThat(min).isZero();
            assertThat(max).isEqualTo(1f);
            assertThat(part.classCounts()).hasSize(10).doesNotContain(0);
        }
        // Real digits, not blank images: strokes cover roughly a fifth of the pixels.
        long ink = 0;
        for (float v : split.train().features()) {
            ink += v > 0.5f ? 1 : 0;
        }
        assertThat(ink / (double) split.train().features().length).isBetween(0.05, 0.4);
        // 300 of each digit in all.
        int[] total = new int[10];
        for (Dataset part : new Dataset[] {split.train(), split.validation(), split.test()}) {
            int[] counts = part.classCounts();
            for (int c = 0; c < 10; c++) {
                total[c] += counts[c];
            }
        }
        assertThat(total).containsOnly(300);
    }

    @Test
    void splitsAreDisjointAndSeeded() {
        DataSplit first = Datasets.load("mnist-mini", null, 1);
        DataSplit same = Datasets.load("mnist-mini", null, 1);
        DataSplit other = Datasets.load("mnist-mini", null, 2);

        assertThat(same.train().features()).isEqualTo(first.train().features());
        assertThat(same.test().labels()).isEqualTo(first.test().labels());
        assertThat(other.train().labels()).isNotEqualTo(first.train().labels());

        int[] order = Datasets.permutation(3000, 1);
        assertThat(Arrays.stream(order).distinct().count()).isEqualTo(3000);
        assertThat(Datasets.permutation(3000, 1)).isEqualTo(order);
        assertThat(Datasets.permutation(3000, 2)).isNotEqualTo(order);
    }

    @Test
    void syntheticIsReproducibleFromTheSeed() {
        DataSplit split = Datasets.load("synthetic", null, 5);
        assertThat(split.train().size()).isEqualTo(2100);
        assertThat(split.validation().size()).isEqualTo(450);
        assertThat(split.test().size()).isEqualTo(450);
        assertThat(split.inputShape()).containsExactly(70);
        assertThat(split.numClasses()).isEqualTo(6);
        assertThat(Datasets.load("synthetic", null, 5).train().features()).isEqualTo(split.train().features());
        assertThat(Datasets.load("synthetic", null, 6).train().features()).isNotEqualTo(split.train().features());
    }

    @Test
    void aTrainingLimitTakesTheFirstSamplesOfTheShuffledTrainingSplitAndKeepsTheOthersWhole() {
        DataSplit full = Datasets.load("synthetic", null, 5);
        DataSplit part = Datasets.load("synthetic:300", null, 5);
        assertThat(part.train().size()).isEqualTo(300);
        assertThat(part.train().labels()).containsExactly(java.util.Arrays.copyOf(full.train().labels(), 300));
        assertThat(part.validation().labels()).containsExactly(full.validation().labels());
        assertThat(part.test().features()).isEqualTo(full.test().features());
        assertThat(Datasets.isKnown("synthetic:300")).isTrue();
        assertThat(Datasets.isKnown("cifar:300")).isFalse();
        assertThatThrownBy(() -> Datasets.load("synthetic:0", null, 5)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("training-sample count >= 1, got '0'");
        assertThatThrownBy(() -> Datasets.isKnown("synthetic:lots")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Datasets.load("cifar", dataDir, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown dataset 'cifar'; known datasets: mnist-mini, mnist, fashion-mnist, synthetic");
    }

    @ParameterizedTest
    @ValueSource(strings = {".gz", ""})
    void fashionMnistLoadsHandPlacedIdxFiles(String suffix) {
        Path dir = dataDir.resolve("fashion-mnist");
        writeIdx(dir, "train", 24, 3, suffix);
        writeIdx(dir, "t10k", 5, 4, suffix);

        DataSplit split = Datasets.load("fashion-mnist", dataDir, 3);

        assertThat(split.train().size()).isEqualTo(22);
        assertThat(split.validation().size()).isEqualTo(2);
        assertThat(split.test().size()).isEqualTo(5);
        assertThat(split.inputShape()).containsExactly(1, 2, 2);
        assertThat(split.numClasses()).isEqualTo(10);
        // The official test set is kept as it is, in its order.
        assertThat(split.test().labels()).containsExactly(4, 4, 4, 4, 4);
        assertThat(split.train().labels()).containsOnly(3);
    }

    @Test
    void fashionMnistMissingFileSaysHowToGetIt() {
        Path dir = dataDir.resolve("fashion-mnist");
        writeIdx(dir, "train", 4, 3, ".gz");
        assertThatThrownBy(() -> Datasets.load("fashion-mnist", dataDir, 3))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(dir.resolve("t10k-images-idx3-ubyte").toString())
                .hasMessageContaining("run ./crespr fetch-data or place the upstream IDX files there");
    }

    @Test
    void mnistLoadsTheDigitFilesAndSaysHowToGetThem() throws IOException {
        assertThatThrownBy(() -> Datasets.load("mnist", dataDir, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(dataDir.resolve("mnist/digits/0.json").toString())
                .hasMessageContaining("run ./crespr fetch-data");

        int[] perDigit = new int[10];
        Arrays.fill(perDigit, 2);
        MnistJsonReaderTest.writeDigits(Datasets.mnistDigitsDir(dataDir), perDigit);
        DataSplit split = Datasets.load("mnist", dataDir, 1);
        assertThat(split.train().size()).isEqualTo(16);
        assertThat(split.validation().size()).isEqualTo(2);
        assertThat(split.test().size()).isEqualTo(2);
    }

    @Test
    void defaultDataDirIsUnderTheHomeDirectoryUnlessOverridden() {
        String env = System.getenv(Datasets.DATA_DIR_ENV);
        Path expected = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".crespr", "data");
        assertThat(Datasets.defaultDataDir()).isEqualTo(expected);
    }

    /** Writes {@code <prefix>-images-idx3-ubyte} and labels: {@code count} 2 x 2 images, all labelled {@code label}. */
    private static void writeIdx(Path dir, String prefix, int count, int label, String suffix) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        byte[] pixels = new byte[count * 4];
        Arrays.fill(pixels, (byte) 200);
        int[] labels = new int[count];
        Arrays.fill(labels, label);
        IdxWriter.writeImages(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), 2, 2, pixels);
        IdxWriter.writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), labels);
    }
}
