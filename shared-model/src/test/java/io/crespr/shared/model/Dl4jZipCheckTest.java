package io.crespr.shared.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DL4J model zip from outside: only a checked configuration and coefficients ever reach DL4J. */
class Dl4jZipCheckTest {

    private static final long MIB = 1024 * 1024;
    private static Checkpoint model;
    private static Map<String, byte[]> entries;

    @BeforeAll
    static void exportOne(@TempDir Path dir) throws IOException {
        model = Checkpoints.init(Architecture.parse("mlp:8"), new Networks.Io(new int[] {5}, 3), "x", 4);
        Path zip = dir.resolve("model.zip");
        Dl4jModels.export(model, zip);
        entries = unzip(Files.readAllBytes(zip));
        assertThat(entries).containsOnlyKeys("configuration.json", "coefficients.bin");
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static byte[] zip(Map<String, byte[]> content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : content.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> with(String name, byte[] value) {
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(name, value);
        return m;
    }

    private static Checkpoint importZip(byte[] zip, long maxBytes) {
        return Dl4jModels.importZip(zip, "m.zip", "x", maxBytes);
    }

    @Test
    void aModelZipIsReadAndWhatDl4jDoesNotNeedIsSkipped() {
        Map<String, byte[]> m = with("updaterState.bin", new byte[100]);
        m.put("noParams.marker", new byte[0]);
        Checkpoint back = importZip(zip(m), MIB);
        assertThat(back.params()).isEqualTo(model.params());
    }

    @Test
    void aJavaSerialisedPreprocessorIsNeverDeserialised() throws IOException {
        ByteArrayOutputStream serialised = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialised)) {
            out.writeObject(new java.util.HashMap<>(Map.of("gadget", "chain")));
        }
        assertThatThrownBy(() -> importZip(zip(with("preprocessor.bin", serialised.toByteArray())), MIB))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("DL4J model zip m.zip refused: entry preprocessor.bin is refused: DL4J would read it with "
                        + "Java deserialisation");
    }

    @Test
    void aZipBombIsCutOffAtTheLimitAndTooManyOrUnknownEntriesAreRefused() {
        // 64 MiB of zeros deflate to about 64 KiB; reading stops at the 1 MiB limit
        byte[] bomb = zip(with("updaterState.bin", new byte[(int) (64 * MIB)]));
        assertThat(bomb.length).isLessThan(200_000);
        assertThatThrownBy(() -> importZip(bomb, MIB)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("DL4J model zip m.zip refused: entry updaterState.bin inflates to more than ");
        assertThatThrownBy(() -> importZip(zip(with("Evil.class", new byte[10])), MIB))
                .hasMessageStartingWith("DL4J model zip m.zip refused: unexpected entry Evil.class");
    }

    @Test
    void anEntryNamedTwiceIsRefused() throws IOException {
        // zip readers disagree on which of two same-named entries counts; this one takes neither
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
            // ZipOutputStream itself refuses a duplicate name: write the second under a same-length
            // name and patch both of its headers afterwards
            z.putNextEntry(new ZipEntry("coefficients.biX"));
            z.write(entries.get("coefficients.bin"));
            z.closeEntry();
        }
        String raw = bytes.toString(StandardCharsets.ISO_8859_1).replace("coefficients.biX", "coefficients.bin");
        assertThatThrownBy(() -> importZip(raw.getBytes(StandardCharsets.ISO_8859_1), MIB))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("DL4J model zip m.zip refused: entry coefficients.bin appears twice");
    }

    @Test
    void aConfigurationNamingAClassOutsideDl4jIsRefused() {
        String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"org\\.nd4j\\.linalg\\.activations\\.impl\\.ActivationReLU\"",
                        "\"com.sun.rowset.JdbcRowSetImpl\"");
        assertThat(json).contains("JdbcRowSetImpl");
        assertThatThrownBy(() -> importZip(zip(with("configuration.json", json.getBytes(StandardCharsets.UTF_8))), MIB))
                .hasMessage("DL4J model zip m.zip refused: configuration.json names class com.sun.rowset.JdbcRowSetImpl; "
                        + "only classes of org.deeplearning4j and org.nd4j are read");
    }

    @Test
    void coefficientsThatAnnounceMoreValuesThanTheyHoldAreRefused() {
        byte[] coefficients = entries.get("coefficients.bin");
        // the data buffer's header: "MIXED_DATA_TYPES", a long length, "FLOAT"; make the length a trillion
        ByteBuffer b = ByteBuffer.wrap(coefficients.clone());
        int shapeHeader = 2 + "MIXED_DATA_TYPES".length() + 8 + 2 + "LONG".length();
        long shapeLength = b.getLong(2 + "MIXED_DATA_TYPES".length());
        int dataLengthAt = shapeHeader + (int) shapeLength * 8 + 2 + "MIXED_DATA_TYPES".length();
        b.putLong(dataLengthAt, 1_000_000_000_000L);
        assertThatThrownBy(() -> importZip(zip(with("coefficients.bin", b.array())), MIB))
                .hasMessageStartingWith("DL4J model zip m.zip refused: coefficients.bin announces 1000000000000 values");
        byte[] cut = java.util.Arrays.copyOf(coefficients, coefficients.length / 2);
        assertThatThrownBy(() -> importZip(zip(with("coefficients.bin", cut)), MIB))
                .hasMessageStartingWith("DL4J model zip m.zip refused: coefficients.bin announces");
    }

    @Test
    void bytesThatAreNoZipAreNoModel() {
        byte[] noise = new byte[3000];
        new Random(9).nextBytes(noise);
        assertThatThrownBy(() -> importZip(noise, MIB)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("not a DL4J model zip: m.zip (");
    }
}
