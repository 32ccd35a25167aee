package io.crespr.shared.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Constants and byte-level primitives of the checkpoint format, shared by
 * {@link CheckpointFormatWriter} and {@link CheckpointFormatReader}. The layout itself is
 * documented on {@link CheckpointCodec}.
 */
final class CheckpointFormat {

    /** The 8 ASCII bytes every checkpoint starts with. */
    static final byte[] MAGIC = "CRESPRCK".getBytes(StandardCharsets.US_ASCII);
    /** The format version this build writes and reads. */
    static final int VERSION = 1;
    /** Magic (8) + version (2) + total length (8) + header length (4). */
    static final int PREAMBLE_BYTES = 22;
    /** The SHA-256 trailer. */
    static final int TRAILER_BYTES = 32;
    /** The largest file a Java byte array can hold. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    static final String DENSE = "DENSE";
    static final String SPARSE = "SPARSE";

    /** Strict JSON for the header: duplicate keys and trailing tokens are errors. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final HexFormat HEX = HexFormat.of();

    private CheckpointFormat() {
    }

    static byte[] sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, offset, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Bytes an unsigned LEB128 varint of {@code value} (read as unsigned 32-bit) takes: 1 to 5. */
    static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Zigzag: 0 → 0, -1 → 1, 1 → 2, -2 → 3, … so small magnitudes stay short as varints. */
    static int zigzag(int value) {
        return (value << 1) ^ (value >> 31);
    }

    static int unzigzag(int encoded) {
        return (encoded >>> 1) ^ -(encoded & 1);
    }

    /** Replaces line breaks so a message from a library stays one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
