package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistJsonReaderTest {

    @TempDir
    Path dir;

    /**
     * Writes {@code samples[d]} samples for each digit d; every pixel of a digit-d sample k is
     * {@code (d * 10 + k) / 255}, so values identify their sample.
     */
    static void writeDigits(Path dir, int... samples) throws IOException {
        Files.createDirectories(dir);
        for (int d = 0; d < samples.length; d++) {
            double[] values = new double[samples[d] * MnistJsonReader.PIXELS];
            for (int k = 0; k < samples[d]; k++) {
                Arrays.fill(values, k * MnistJsonReader.PIXELS, (k + 1) * MnistJsonReader.PIXELS, (d * 10 + k) / 255.0);
            }
            writeData(dir.resolve(d + ".json"), values);
        }
    }

    static void writeData(Path file, double... values) throws IOException {
        String numbers = DoubleStream.of(values).mapToObj(v -> Double.toString(v)).collect(Collectors.joining(","));
        Files.writeString(file, "{ \"data\": [" + numbers + "] }");
    }

    @Test
    void readsAllDigitsInOrder() throws IOException {
        writeDigits(dir, 1, 2, 1, 1, 1, 1, 1, 1, 1, 3);

        Dataset data = MnistJsonReader.read(dir, "mnist");

        assertThat(data.inputShape()).containsExactly(1, 28, 28);
        assertThat(data.numClasses()).isEqualTo(10);
        assertThat(data.labels()).containsExactly(0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9);
        int d = MnistJsonReader.PIXELS;
        assertThat(data.features()[2 * d]).isEqualTo((float) (11 / 255.0)); // digit 1, sample 1
        assertThat(data.features()[13 * d - 1]).isEqualTo((float) (92 / 255.0)); // digit 9, sample 2, last pixel
    }

    @Test
    void ignoresOtherFieldsAndAcceptsIntegers() throws IOException {
        writeDigits(dir, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        String ones = String.join(",", Collections.nCopies(MnistJsonReader.PIXELS, "1"));
        Files.writeString(dir.resolve("4.json"), "{\"meta\": {\"x\": [1, 2]}, \"data\": [" + ones + "]}");
        assertThat(MnistJsonReader.read(dir, "m").features()[4 * MnistJsonReader.PIXELS]).isEqualTo(1f);
    }

    @Test
    void rejectsLengthNotAMultipleOf784() throws IOException {
        writeDigits(dir, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Path bad = dir.resolve("3.json");
        writeData(bad, new double[MnistJsonReader.PIXELS + 5]);
        assertThatThrownBy(() -> MnistJsonReader.read(dir, "m"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("holds 789 values, expected a positive multiple of 784");
    }

    @Test
    void rejectsValueOutOfRange() throws IOException {
        double[] values = new double[MnistJsonReader.PIXELS];
        values[100] = 1.5;
        Path file = dir.resolve("0.json");
        writeData(file, values);
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("value 100 of \"data\" is 1.5, outside [0, 1]");
    }

    @Test
    void rejectsNegativeValue() throws IOException {
        double[] values = new double[MnistJsonReader.PIXELS];
        values[0] = -0.01;
        Path file = dir.resolve("0.json");
        writeData(file, values);
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("value 0 of \"data\" is -0.01, outside [0, 1]");
    }

    @Test
    void rejectsNonNumbers() throws IOException {
        Path file = dir.resolve("0.json");
        Files.writeString(file, "{\"data\": [0, \"x\"]}");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("value 1 of \"data\" is x, expected a number");
    }

    @Test
    void rejectsMissingDataAndBrokenJson() throws IOException {
        Path noData = Files.writeString(dir.resolve("a.json"), "{\"values\": []}");
        Path broken = Files.writeString(dir.resolve("b.json"), "{\"data\": [0, 1");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(noData))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no \"data\" array");
        assertThatThrownBy(() -> MnistJsonReader.readDigitFile(broken))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsMissingFiles() throws IOException {
        writeDigits(dir, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Files.delete(dir.resolve("3.json"));
        Files.delete(dir.resolve("7.json"));
        assertThatThrownBy(() -> MnistJsonReader.read(dir, "m"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("MNIST JSON directory " + dir + ": missing 3.json, 7.json");
    }
}
