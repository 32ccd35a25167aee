package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes MNIST-style IDX files, the counterpart of {@link IdxReader}. A file whose name ends
 * in {@code .gz} is gzip-compressed (at the best compression level, since these files are
 * shipped as resources); any other name is written raw.
 */
public final class IdxWriter {

    private IdxWriter() {
    }

    /**
     * Writes an images file.
     *
     * @param pixels {@code count * rows * cols} unsigned bytes, image after image, row-major
     */
    public static void writeImages(Path file, int rows, int cols, byte[] pixels) {
        if (rows <= 0 || cols <= 0 || pixels.length % (rows * cols) != 0) {
            throw new InvalidInputException("IDX images for " + file + ": " + pixels.length
                    + " pixels do not fill whole images of " + rows + " x " + cols);
        }
        write(file, out -> {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(pixels.length / (rows * cols));
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        });
    }

    /** Writes a labels file; every label must lie in {@code [0, 255]}. */
    public static void writeLabels(Path file, int[] labels) {
        byte[] bytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new InvalidInputException("IDX labels for " + file + ": label " + labels[i] + " of sample " + i
                        + " does not fit an unsigned byte");
            }
            bytes[i] = (byte) labels[i];
        }
        write(file, out -> {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(bytes.length);
            out.write(bytes);
        });
    }

    /**
     * Writes a dataset of single-channel images, shape {@code {1, rows, cols}} or
     * {@code {rows, cols}}, with features in {@code [0, 1]}: each feature is stored as
     * {@code round(255 * value)}, which {@link IdxReader} maps back to within 1/510.
     */
    public static void write(Dataset dataset, Path images, Path labels) {
        int[] shape = dataset.inputShape();
        boolean singleChannel = shape.length == 3 && shape[0] == 1;
        if (!singleChannel && shape.length != 2) {
            throw new InvalidInputException("dataset " + dataset.name() + ": input shape "
                    + Arrays.toString(shape) + " is not a single-channel image");
        }
        float[] features = dataset.features();
        byte[] pixels = new byte[features.length];
        for (int i = 0; i < features.length; i++) {
            float v = features[i];
            if (!(v >= 0f && v <= 1f)) { // written so that NaN fails too
                throw new InvalidInputException("dataset " + dataset.name() + ": feature " + i + " is " + v
                        + ", outside [0, 1]");
            }
            pixels[i] = (byte) Math.round(v * 255f);
        }
        writeImages(images, shape[shape.length - 2], shape[shape.length - 1], pixels);
        writeLabels(labels, dataset.labels());
    }

    @FunctionalInterface
    private interface Body {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static void write(Path file, Body body) {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream maybeGzip = file.getFileName().toString().endsWith(".gz") ? bestGzip(raw) : raw;
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(maybeGzip, 1 << 16))) {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static GZIPOutputStream bestGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        };
    }
}
