package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-style IDX files: unsigned-byte images ({@code idx3}, magic {@code 0x00000803})
 * and unsigned-byte labels ({@code idx1}, magic {@code 0x00000801}).
 *
 * <p>A file may be gzip-compressed or raw; which one is decided by the gzip magic bytes
 * {@code 1f 8b}, not by the file name, so hand-unpacked upstream files work under any name.
 * The whole file must be exactly as long as its header announces: a truncated download and
 * a file with trailing bytes are both rejected rather than silently read.
 *
 * <p>Malformed or missing files raise {@link InvalidInputException}; other I/O failures
 * (permissions, disk errors) raise {@link UncheckedIOException}.
 */
public final class IdxReader {

    /** Magic number of an unsigned-byte, three-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, one-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;

    private IdxReader() {
    }

    /**
     * The contents of an images file.
     *
     * @param source where the images came from, for error messages
     * @param rows   pixel rows per image
     * @param cols   pixel columns per image
     * @param pixels {@code count() * rows * cols} unsigned bytes, image after image, row-major
     */
    public record Images(String source, int rows, int cols, byte[] pixels) {

        /** The number of images. */
        public int count() {
            return pixels.length / (rows * cols);
        }
    }

    /**
     * The contents of a labels file.
     *
     * @param source where the labels came from, for error messages
     * @param values one label per sample, each in {@code [0, 255]}
     */
    public record Labels(String source, int[] values) {

        /** The number of labels. */
        public int count() {
            return values.length;
        }
    }

    /** Reads an images file, gzip-compressed or raw. */
    public static Images readImages(Path file) {
        return readImages(readFile(file), file.toString());
    }

    /**
     * Reads an images file from a stream, gzip-compressed or raw. The stream is read to its
     * end but not closed.
     *
     * @param source a name for the stream in error messages (e.g. the resource path)
     */
    public static Images readImages(InputStream in, String source) {
        return readImages(readStream(in, source), source);
    }

    /** Reads a labels file, gzip-compressed or raw. */
    public static Labels readLabels(Path file) {
        return readLabels(readFile(file), file.toString());
    }

    /**
     * Reads a labels file from a stream, gzip-compressed or raw. The stream is read to its end
     * but not closed.
     *
     * @param source a name for the stream in error messages (e.g. the resource path)
     */
    public static Labels readLabels(InputStream in, String source) {
        return readLabels(readStream(in, source), source);
    }

    /** Reads an images file and its labels file into one dataset; see {@link #dataset}. */
    public static Dataset read(String name, Path images, Path labels) {
        return dataset(name, readImages(images), readLabels(labels));
    }

    /**
     * Combines images and labels into a dataset of shape {@code {1, rows, cols}} with pixels
     * scaled to {@code [0, 1]}. The class count is 10 when every label is below 10 (the MNIST
     * family, even if a small file lacks the high digits), otherwise the largest label + 1.
     *
     * @throws InvalidInputException if the two files hold different numbers of samples
     */
    public static Dataset dataset(String name, Images images, Labels labels) {
        if (images.count() != labels.count()) {
            throw new InvalidInputException("IDX files " + images.source() + " and " + labels.source() + ": "
                    + images.count() + " images but " + labels.count() + " labels");
        }
        byte[] pixels = images.pixels();
        float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            features[i] = Byte.toUnsignedInt(pixels[i]) / 255f;
        }
        int maxLabel = Arrays.stream(labels.values()).max().orElse(0);
        int numClasses = Math.max(10, maxLabel + 1);
        return new Dataset(name, new int[] {1, images.rows(), images.cols()}, numClasses, features,
                labels.values().clone());
    }

    private static Images readImages(byte[] content, String source) {
        ByteBuffer header = header(content, source, IMAGES_MAGIC, IMAGES_HEADER_BYTES);
        int count = header.getInt(4);
        int rows = header.getInt(8);
        int cols = header.getInt(12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new InvalidInputException("IDX file " + source + ": bad dimensions " + count + " x " + rows
                    + " x " + cols + ", expected a non-negative count and positive rows and columns");
        }
        checkLength(content, source, IMAGES_HEADER_BYTES, (long) count * rows * cols,
                count + " images of " + rows + " x " + cols);
        return new Images(source, rows, cols, Arrays.copyOfRange(content, IMAGES_HEADER_BYTES, content.length));
    }

    private static Labels readLabels(byte[] content, String source) {
        ByteBuffer header = header(content, source, LABELS_MAGIC, LABELS_HEADER_BYTES);
        int count = header.getInt(4);
        if (count < 0) {
            throw new InvalidInputException("IDX file " + source + ": bad label count " + count);
        }
        checkLength(content, source, LABELS_HEADER_BYTES, count, count + " labels");
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = Byte.toUnsignedInt(content[LABELS_HEADER_BYTES + i]);
        }
        return new Labels(source, values);
    }

    /** Checks the magic number and that the whole header is there; returns it big-endian. */
    private static ByteBuffer header(byte[] content, String source, int magic, int headerBytes) {
        if (content.length < 4) {
            throw new InvalidInputException("IDX file " + source + ": only " + content.length
                    + " bytes, too short for a magic number");
        }
        ByteBuffer buffer = ByteBuffer.wrap(content); // IDX is big-endian, as is ByteBuffer's default
        int found = buffer.getInt(0);
        if (found != magic) {
            throw new InvalidInputException(String.format("IDX file %s: bad magic 0x%08x, expected 0x%08x",
                    source, found, magic));
        }
        if (content.length < headerBytes) {
            throw new InvalidInputException("IDX file " + source + ": truncated header, " + content.length
                    + " bytes, expected " + headerBytes);
        }
        return buffer;
    }

    private static void checkLength(byte[] content, String source, int headerBytes, long dataBytes, String what) {
        long expected = headerBytes + dataBytes;
        if (content.length < expected) {
            throw new InvalidInputException("IDX file " + source + ": truncated, " + content.length
                    + " bytes, but the header announces " + what + " (" + expected + " bytes)");
        }
        if (content.length > expected) {
            throw new InvalidInputException("IDX file " + source + ": " + (content.length - expected)
                    + " extra bytes after the " + expected + " bytes of " + what + " the header announces");
        }
    }

    private static byte[] readFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readStream(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("IDX file " + file + ": not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The stream's bytes, gunzipped if they start with the gzip magic {@code 1f 8b}. */
    private static byte[] readStream(InputStream raw, String source) {
        // The caller owns `raw`; shielding it from close() lets us close the gzip layer, which
        // frees its native inflater now rather than whenever the garbage collector runs.
        InputStream shielded = new FilterInputStream(raw) {
            @Override
            public void close() {
            }
        };
        try (InputStream buffered = new BufferedInputStream(shielded, 1 << 16)) {
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            if (!gzip) {
                return buffered.readAllBytes();
            }
            try (InputStream gunzipped = new GZIPInputStream(buffered, 1 << 16)) {
                return gunzipped.readAllBytes();
            }
        } catch (EOFException e) {
            throw new InvalidInputException("IDX file " + source + ": truncated gzip stream (" + e.getMessage() + ")",
                    e);
        } catch (ZipException e) {
            throw new InvalidInputException("IDX file " + source + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("IDX file " + source + ": " + e.getMessage(), e);
        }
    }
}
