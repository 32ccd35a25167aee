package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** Three 2 x 3 images with pixel values 0 … 17 scaled by 15, including 0 and 255. */
    private static final byte[] PIXELS = pixels(3, 2, 3);
    private static final int[] LABELS = {7, 0, 9};

    @ParameterizedTest
    @ValueSource(strings = {".gz", ""})
    void writtenFilesReadBackExactly(String suffix) {
        Path images = dir.resolve("images" + suffix);
        Path labels = dir.resolve("labels" + suffix);
        IdxWriter.writeImages(images, 2, 3, PIXELS);
        IdxWriter.writeLabels(labels, LABELS);

        Dataset data = IdxReader.read("tiny", images, labels);

        assertThat(data.inputShape()).containsExactly(1, 2, 3);
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.numClasses()).isEqualTo(10);
        assertThat(data.labels()).containsExactly(LABELS);
        for (int i = 0; i < PIXELS.length; i++) {
            assertThat(data.features()[i]).isEqualTo(Byte.toUnsignedInt(PIXELS[i]) / 255f);
        }
        assertThat(data.features()).contains(0f, 1f);
    }

    @Test
    void gzipIsDetectedByContentNotByName() throws IOException {
        Path gz = dir.resolve("images.gz");
        IdxWriter.writeImages(gz, 2, 3, PIXELS);
        assertThat(Files.readAllBytes(gz)).startsWith((byte) 0x1f, (byte) 0x8b);
        Path gzipWithoutSuffix = Files.move(gz, dir.resolve("images-idx3-ubyte"));
        Path raw = dir.resolve("raw");
        IdxWriter.writeImages(raw, 2, 3, PIXELS);
        Path rawWithGzSuffix = Files.move(raw, dir.resolve("raw.gz"));

        assertThat(IdxReader.readImages(gzipWithoutSuffix).pixels()).containsExactly(PIXELS);
        assertThat(IdxReader.readImages(rawWithGzSuffix).pixels()).containsExactly(PIXELS);
    }

    @Test
    void readsFromStreams() {
        byte[] images = imagesFile(IdxReader.IMAGES_MAGIC, 3, 2, 3, PIXELS);
        IdxReader.Images read = IdxReader.readImages(new ByteArrayInputStream(gzip(images)), "stream");
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.rows()).isEqualTo(2);
        assertThat(read.cols()).isEqualTo(3);
        assertThat(read.pixels()).containsExactly(PIXELS);
    }

    @Test
    void labelsAtOrAboveTenWidenTheClassCount() {
        Path images = dir.resolve("i");
        Path labels = dir.resolve("l");
        IdxWriter.writeImages(images, 2, 3, PIXELS);
        IdxWriter.writeLabels(labels, new int[] {0, 12, 3});
        assertThat(IdxReader.read("wide", images, labels).numClasses()).isEqualTo(13);
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        Path file = write("train-images-idx3-ubyte", imagesFile(0, 3, 2, 3, PIXELS));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("bad magic 0x00000000, expected 0x00000803");
    }

    @Test
    void rejectsALabelsFileReadAsImages() throws IOException {
        Path file = dir.resolve("labels.gz");
        IdxWriter.writeLabels(file, LABELS);
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bad magic 0x00000801, expected 0x00000803");
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        byte[] whole = imagesFile(IdxReader.IMAGES_MAGIC, 3, 2, 3, PIXELS);
        Path file = write("images", Arrays.copyOf(whole, whole.length - 1));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated, 33 bytes, but the header announces 3 images of 2 x 3 (34 bytes)");
    }

    @Test
    void rejectsTruncatedGzipStream() throws IOException {
        byte[] gz = gzip(imagesFile(IdxReader.IMAGES_MAGIC, 3, 2, 3, PIXELS));
        Path file = write("images.gz", Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated gzip stream");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path file = write("images", Arrays.copyOf(imagesFile(IdxReader.IMAGES_MAGIC, 3, 2, 3, PIXELS), 10));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("truncated header, 10 bytes, expected 16");
    }

    @Test
    void rejectsExtraBytes() throws IOException {
        byte[] whole = imagesFile(IdxReader.IMAGES_MAGIC, 3, 2, 3, PIXELS);
        Path file = write("images", Arrays.copyOf(whole, whole.length + 5));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("5 extra bytes after the 34 bytes of 3 images of 2 x 3");
    }

    @Test
    void rejectsBadDimensions() throws IOException {
        Path file = write("images", imagesFile(IdxReader.IMAGES_MAGIC, 3, 0, 3, new byte[0]));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bad dimensions 3 x 0 x 3");
    }

    @Test
    void rejectsLabelsWithExtraBytes() throws IOException {
        byte[] labels = ByteBuffer.allocate(8 + 4).putInt(IdxReader.LABELS_MAGIC).putInt(3).put(new byte[4]).array();
        Path file = write("labels", labels);
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1 extra bytes after the 11 bytes of 3 labels");
    }

    @Test
    void rejectsImageAndLabelCountMismatch() {
        Path images = dir.resolve("images.gz");
        Path labels = dir.resolve("labels.gz");
        IdxWriter.writeImages(images, 2, 3, PIXELS);
        IdxWriter.writeLabels(labels, new int[] {1, 2});
        assertThatThrownBy(() -> IdxReader.read("mismatch", images, labels))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("3 images but 2 labels");
    }

    @Test
    void rejectsMissingFile() {
        Path missing = dir.resolve("absent.gz");
        assertThatThrownBy(() -> IdxReader.readLabels(missing))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("IDX file " + missing + ": not found");
    }

    @Test
    void writerRoundsDatasetFeaturesToBytes() {
        float[] features = {0f, 0.5f, 1f, 0.25f};
        Dataset data = new Dataset("d", new int[] {1, 2, 2}, 10, features, new int[] {4});
        Path images = dir.resolve("i.gz");
        Path labels = dir.resolve("l.gz");
        IdxWriter.write(data, images, labels);
        assertThat(IdxReader.readImages(images).pixels()).containsExactly(0, (byte) 128, (byte) 255, 64);
        assertThat(IdxReader.readLabels(labels).values()).containsExactly(4);
    }

    @Test
    void writerRejectsFeaturesOutsideUnitInterval() {
        Dataset data = new Dataset("d", new int[] {1, 1, 2}, 10, new float[] {0.5f, 1.5f}, new int[] {0});
        assertThatThrownBy(() -> IdxWriter.write(data, dir.resolve("i"), dir.resolve("l")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("feature 1 is 1.5, outside [0, 1]");
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] pixels(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 15);
        }
        return pixels;
    }

    static byte[] imagesFile(int magic, int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(magic).putInt(count).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }
}
