package io.crespr.shared.messages;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.spi.Saliency;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary form of a {@link Saliency}, so it can ride with its checkpoint from hessian-service
 * to pruning-service. Big-endian: magic {@code CRESPRSL}, u16 version 1, the scorer name
 * (modified UTF-8, as {@link DataOutputStream#writeUTF}), u32 count, then per parameter in name
 * order: its name, u32 n, n float32 values. Integrity is the transport's SHA-256.
 */
public final class SaliencyCodec {

    private static final byte[] MAGIC = "CRESPRSL".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private SaliencyCodec() {
    }

    public static byte[] toBytes(Saliency s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(VERSION);
            out.writeUTF(s.scorer() == null ? "" : s.scorer());
            Map<String, float[]> sorted = new TreeMap<>(s.values());
            out.writeInt(sorted.size());
            for (Map.Entry<String, float[]> e : sorted.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Saliency fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidInputException("not a CRESPR saliency (bad magic)");
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new InvalidInputException("unsupported saliency format version " + version + " (this build reads "
                        + VERSION + ")");
            }
            String scorer = in.readUTF();
            int count = in.readInt();
            if (count < 0 || count > 100_000) {
                throw new InvalidInputException("saliency corrupt: " + count + " parameters");
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                if (n < 0 || (long) n * 4 > in.available()) {
                    throw new InvalidInputException("saliency corrupt: parameter " + name + " claims " + n + " values");
                }
                float[] v = new float[n];
                for (int j = 0; j < n; j++) {
                    v[j] = in.readFloat();
                }
                values.put(name, v);
            }
            if (in.available() != 0) {
                throw new InvalidInputException("saliency corrupt: " + in.available() + " trailing bytes");
            }
            return new Saliency(scorer.isEmpty() ? null : scorer, values);
        } catch (IOException e) {
            throw new InvalidInputException("saliency truncated: " + e, e);
        }
    }
}
