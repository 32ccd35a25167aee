package io.crespr.shared.model;

import static io.crespr.shared.model.CheckpointFormat.DENSE;
import static io.crespr.shared.model.CheckpointFormat.JSON;
import static io.crespr.shared.model.CheckpointFormat.MAGIC;
import static io.crespr.shared.model.CheckpointFormat.PREAMBLE_BYTES;
import static io.crespr.shared.model.CheckpointFormat.SPARSE;
import static io.crespr.shared.model.CheckpointFormat.TRAILER_BYTES;
import static io.crespr.shared.model.CheckpointFormat.VERSION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the format documented on {@link CheckpointCodec}. Checks run in this order, so each
 * kind of damage gets its own message: magic, version, length (truncation or trailing bytes),
 * SHA-256, then the header and every payload. A checkpoint is built only after every section
 * has been read and checked, so a caller gets either the whole checkpoint or an
 * {@link InvalidInputException}, never a part of one.
 */
final class CheckpointFormatReader {

    private CheckpointFormatReader() {
    }

    static Checkpoint decode(byte[] b, long maxValues) {
        int length = b.length;
        if (length < MAGIC.length) {
            if (Arrays.equals(b, 0, length, MAGIC, 0, length)) {
                throw truncated(length + " bytes, shorter than the " + MAGIC.length + "-byte magic");
            }
            throw badMagic(b);
        }
        if (!Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw badMagic(b);
        }
        if (length < MAGIC.length + 2) {
            throw truncated(length + " bytes, the format version is cut off");
        }
        ByteBuffer buf = ByteBuffer.wrap(b); // big-endian
        int version = Short.toUnsignedInt(buf.getShort(MAGIC.length));
        if (version != VERSION) {
            throw new InvalidInputException("unsupported checkpoint format version " + version + " (this build reads "
                    + VERSION + ")");
        }
        if (length < PREAMBLE_BYTES) {
            throw truncated(length + " bytes, shorter than the " + PREAMBLE_BYTES + "-byte preamble");
        }
        long declared = buf.getLong(10);
        long headerLength = Integer.toUnsignedLong(buf.getInt(18));
        if (declared < PREAMBLE_BYTES + TRAILER_BYTES) {
            throw corrupt("declared length " + declared + " is below the " + (PREAMBLE_BYTES + TRAILER_BYTES)
                    + "-byte minimum");
        }
        if (length < declared) {
            String where = length < PREAMBLE_BYTES + headerLength ? "header"
                    : length < declared - TRAILER_BYTES ? "tensor payload" : "SHA-256 trailer";
            throw truncated(length + " of " + declared + " bytes present, cut in the " + where);
        }
        if (length > declared) {
            throw new InvalidInputException("checkpoint has " + (length - declared)
                    + " trailing bytes after its SHA-256 trailer (declared length " + declared + ", got " + length + ")");
        }
        int bodyEnd = length - TRAILER_BYTES;
        byte[] computed = CheckpointFormat.sha256(b, 0, bodyEnd);
        byte[] stored = Arrays.copyOfRange(b, bodyEnd, length);
        if (!MessageDigest.isEqual(computed, stored)) {
            throw new InvalidInputException("checkpoint corrupt: SHA-256 mismatch (stored " + CheckpointFormat.hex(stored)
                    + ", computed " + CheckpointFormat.hex(computed) + ")");
        }
        if (headerLength > bodyEnd - PREAMBLE_BYTES) {
            throw corrupt("header length " + headerLength + " runs past the payload end");
        }
        int headerEnd = PREAMBLE_BYTES + (int) headerLength;
        return new Body(b, headerEnd, bodyEnd, maxValues).decode(header(b, headerEnd));
    }

    private static JsonNode header(byte[] b, int headerEnd) {
        JsonNode root;
        try {
            root = JSON.readTree(Arrays.copyOfRange(b, PREAMBLE_BYTES, headerEnd));
        } catch (JsonProcessingException e) {
            throw corrupt("header is not valid JSON: " + CheckpointFormat.oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw corrupt("header is unreadable: " + CheckpointFormat.oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw corrupt("header is not a JSON object");
        }
        return root;
    }

    /** The sections after the header: the module map, then the tensor payloads, each bounded. */
    private static final class Body {
        private final byte[] b;
        private int pos;
        private final int end;
        private final long maxValues;
        private long values;

        Body(byte[] b, int start, int end, long maxValues) {
            this.b = b;
            this.pos = start;
            this.end = end;
            this.maxValues = maxValues;
        }

        Checkpoint decode(JsonNode h) {
            String id = optString(h, "id", "id");
            String architecture = optString(h, "architecture", "architecture");
            Provenance provenance = provenance(h.get("provenance"));
            ModuleMap modules = modules(h.get("modules"));

            JsonNode table = h.get("tensors");
            if (table == null || !table.isArray()) {
                throw corrupt("header has no tensor table");
            }
            List<ParamTensor> params = new ArrayList<>(table.size());
            Map<String, Mask> masks = new LinkedHashMap<>();
            Set<String> names = new HashSet<>();
            for (int t = 0; t < table.size(); t++) {
                JsonNode entry = table.get(t);
                String where = "tensors[" + t + "]";
                if (!entry.isObject()) {
                    throw corrupt(where + " is not an object");
                }
                String name = reqString(entry, "name", where);
                if (!names.add(name)) {
                    throw corrupt("duplicate tensor " + name);
                }
                decodeTensor(entry, name, params, masks);
            }
            if (pos != end) {
                throw corrupt("sections end at byte " + pos + " but the SHA-256 trailer starts at byte " + end);
            }
            try {
                return new Checkpoint(id, architecture, params, masks, modules, provenance);
            } catch (InvalidInputException e) {
                throw corrupt(e.getMessage());
            }
        }

        private void decodeTensor(JsonNode entry, String name, List<ParamTensor> params, Map<String, Mask> masks) {
            String where = "tensor " + name;
            JsonNode shapeNode = entry.get("shape");
            if (shapeNode == null || !shapeNode.isArray()) {
                throw corrupt(where + " has no shape");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw corrupt(where + " has bad dimension " + d + " in its shape");
                }
                shape[i] = d.asLong();
            }
            int n = elementCount(shape, where);
            values += n;
            if (values > maxValues) {
                throw new InvalidInputException("checkpoint too large: its tensors hold more than " + maxValues
                        + " values (tensor " + name + " " + Arrays.toString(shape) + ")");
            }
            String encoding = reqString(entry, "encoding", where);
            JsonNode maskedNode = entry.get("masked");
            if (maskedNode == null || !maskedNode.isBoolean()) {
                throw corrupt(where + " has no boolean 'masked'");
            }
            boolean masked = maskedNode.booleanValue();
            long bytes = reqLong(entry, "bytes", where);
            if (bytes < 0 || bytes > end - pos) {
                throw corrupt(where + " declares " + bytes + " payload bytes, " + (end - pos) + " remain");
            }
            int payloadEnd = pos + (int) bytes;
            float[] values;
            boolean[] keep;
            if (encoding.equals(DENSE)) {
                long expected = 4L * n + (masked ? CheckpointFormatWriter.bitmapBytes(n) : 0);
                if (bytes != expected) {
                    throw corrupt(where + " is DENSE with " + n + " values" + (masked ? " and a mask" : "")
                            + ", needs " + expected + " payload bytes, header says " + bytes);
                }
                values = new float[n];
                keep = masked ? new boolean[n] : null;
                readDense(name, values, keep);
            } else if (encoding.equals(SPARSE)) {
                if (!masked) {
                    throw corrupt(where + " is SPARSE but not masked");
                }
                long kept = reqLong(entry, "kept", where);
                if (kept < 0 || kept > n || 4 * kept > bytes) {
                    throw corrupt(where + " declares " + kept + " kept of " + n + " in " + bytes + " bytes");
                }
                values = new float[n];
                keep = new boolean[n];
                readSparse(name, (int) kept, values, keep, payloadEnd);
            } else {
                throw corrupt(where + " has unknown encoding " + encoding);
            }
            if (pos != payloadEnd) {
                throw corrupt(where + " payload ends at byte " + pos + ", header says " + payloadEnd);
            }
            params.add(new ParamTensor(name, shape, values));
            if (masked) {
                masks.put(name, new Mask(name, keep));
            }
        }

        /** {@code n} floats, then a bitmap when masked; the size was checked before allocating. */
        private void readDense(String name, float[] values, boolean[] keep) {
            int n = values.length;
            for (int i = 0; i < n; i++) {
                values[i] = finite(readFloat(), name, i);
            }
            if (keep != null) {
                readBitmap(keep, name);
            }
        }

        /** {@code kept} delta-encoded varint indices, then {@code kept} floats, filling {@code payloadEnd - pos}. */
        private void readSparse(String name, int kept, float[] values, boolean[] keep, int payloadEnd) {
            int n = values.length;
            String where = "tensor " + name;
            int[] indices = new int[kept];
            long index = -1;
            for (int j = 0; j < kept; j++) {
                long delta = readVarint(payloadEnd, where);
                if (j > 0 && delta == 0) {
                    throw corrupt(where + " sparse indices not increasing at entry " + j + " (index " + index + ")");
                }
                index = j == 0 ? delta : index + delta;
                if (index >= n) {
                    throw corrupt(where + " sparse index " + index + " out of range (size " + n + ") at entry " + j);
                }
                indices[j] = (int) index;
            }
            if (payloadEnd - pos != 4L * kept) {
                throw corrupt(where + " has " + (payloadEnd - pos) + " bytes for " + kept + " sparse values, needs "
                        + 4L * kept);
            }
            for (int i : indices) {
                values[i] = finite(readFloat(), name, i);
                keep[i] = true;
            }
        }

        /** The number of values a shape holds, as {@link ParamTensor} counts them (the empty shape holds one). */
        private static int elementCount(long[] shape, String where) {
            long count = 1;
            for (long s : shape) {
                if (s == 0) {
                    return 0;
                }
            }
            try {
                for (long s : shape) {
                    count = Math.multiplyExact(count, s);
                }
            } catch (ArithmeticException e) {
                count = Long.MAX_VALUE;
            }
            if (count > CheckpointFormat.MAX_FILE_BYTES) {
                throw corrupt(where + " shape " + Arrays.toString(shape) + " holds too many values");
            }
            return (int) count;
        }

        private static float finite(float v, String tensor, int index) {
            if (!Float.isFinite(v)) {
                throw new InvalidInputException("checkpoint tensor " + tensor + " has " + v + " at index " + index);
            }
            return v;
        }

        private float readFloat() {
            int bits = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8)
                    | (b[pos + 3] & 0xFF);
            pos += 4;
            return Float.intBitsToFloat(bits);
        }

        private void readBitmap(boolean[] keep, String name) {
            for (int i = 0; i < keep.length; i++) {
                keep[i] = (b[pos + (i >>> 3)] & (1 << (i & 7))) != 0;
            }
            int bitmapBytes = CheckpointFormatWriter.bitmapBytes(keep.length);
            if (keep.length % 8 != 0 && (b[pos + bitmapBytes - 1] & 0xFF) >>> (keep.length % 8) != 0) {
                throw corrupt("tensor " + name + " mask bitmap has bits set past its " + keep.length + " entries");
            }
            pos += bitmapBytes;
        }

        /** One canonical unsigned LEB128 varint of at most 32 bits, not reading past {@code limit}. */
        private long readVarint(int limit, String what) {
            long value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (pos >= limit) {
                    throw corrupt(what + " varint runs past its section");
                }
                int octet = b[pos++] & 0xFF;
                value |= (long) (octet & 0x7F) << shift;
                if ((octet & 0x80) == 0) {
                    if (shift > 0 && octet == 0) {
                        throw corrupt(what + " varint has a redundant trailing zero byte");
                    }
                    if (value > 0xFFFF_FFFFL) {
                        throw corrupt(what + " varint exceeds 32 bits");
                    }
                    return value;
                }
            }
            throw corrupt(what + " varint is longer than 5 bytes");
        }

        private ModuleMap modules(JsonNode m) {
            if (m == null) {
                throw corrupt("header has no 'modules'");
            }
            if (m.isNull()) {
                return null;
            }
            if (!m.isObject()) {
                throw corrupt("header 'modules' is not an object");
            }
            int k = reqInt(m, "k", "modules");
            JsonNode sizes = m.get("sizes");
            if (sizes == null || !sizes.isArray()) {
                throw corrupt("modules has no 'sizes' array");
            }
            long bytes = reqLong(m, "bytes", "modules");
            if (bytes < 0 || bytes > end - pos) {
                throw corrupt("modules declares " + bytes + " bytes, " + (end - pos) + " remain");
            }
            int sectionEnd = pos + (int) bytes;
            List<int[]> assignments = new ArrayList<>(sizes.size());
            for (int i = 0; i < sizes.size(); i++) {
                JsonNode s = sizes.get(i);
                if (!s.isIntegralNumber() || !s.canConvertToInt() || s.asInt() < 0 || s.asInt() > bytes) {
                    throw corrupt("modules list " + i + " has bad size " + s + " (section has " + bytes + " bytes)");
                }
                int[] list = new int[s.asInt()];
                for (int j = 0; j < list.length; j++) {
                    list[j] = CheckpointFormat.unzigzag((int) readVarint(sectionEnd, "modules"));
                }
                assignments.add(list);
            }
            if (pos != sectionEnd) {
                throw corrupt("modules section ends at byte " + pos + ", header says " + sectionEnd);
            }
            return k == 0 && assignments.isEmpty() ? ModuleMap.EMPTY : new ModuleMap(k, assignments);
        }
    }

    private static Provenance provenance(JsonNode p) {
        if (p == null) {
            throw corrupt("header has no 'provenance'");
        }
        if (p.isNull()) {
            return null;
        }
        if (!p.isObject()) {
            throw corrupt("header 'provenance' is not an object");
        }
        JsonNode pluginsNode = p.get("plugins");
        if (pluginsNode == null || !pluginsNode.isArray()) {
            throw corrupt("provenance has no 'plugins' array");
        }
        List<PluginRef> plugins = new ArrayList<>(pluginsNode.size());
        for (int i = 0; i < pluginsNode.size(); i++) {
            JsonNode r = pluginsNode.get(i);
            String where = "provenance.plugins[" + i + "]";
            if (!r.isObject()) {
                throw corrupt(where + " is not an object");
            }
            plugins.add(new PluginRef(optString(r, "stage", where + ".stage"), optString(r, "name", where + ".name"),
                    stringMap(r.get("options"), where + ".options", true)));
        }
        return new Provenance(optString(p, "parentId", "provenance.parentId"),
                optString(p, "stage", "provenance.stage"), plugins,
                optString(p, "dataset", "provenance.dataset"), reqLong(p, "seed", "provenance"),
                reqInt(p, "round", "provenance"), stringMap(p.get("versions"), "provenance.versions", false),
                optString(p, "createdAt", "provenance.createdAt"));
    }

    private static Map<String, String> stringMap(JsonNode node, String where, boolean nullValues) {
        if (node == null || !node.isObject()) {
            throw corrupt(where + " is not an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isTextual() || (nullValues && v.isNull())) {
                map.put(e.getKey(), v.isNull() ? null : v.textValue());
            } else {
                throw corrupt(where + "." + e.getKey() + " is not a string: " + v);
            }
        }
        return map;
    }

    /** A key that must be present and hold a string or null. */
    private static String optString(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !(v.isTextual() || v.isNull())) {
            throw corrupt(where + " must be a string or null, got " + v);
        }
        return v.isNull() ? null : v.textValue();
    }

    private static String reqString(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw corrupt(where + "." + key + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long reqLong(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw corrupt(where + "." + key + " must be a 64-bit integer, got " + v);
        }
        return v.longValue();
    }

    private static int reqInt(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw corrupt(where + "." + key + " must be a 32-bit integer, got " + v);
        }
        return v.intValue();
    }

    private static InvalidInputException truncated(String detail) {
        return new InvalidInputException("checkpoint truncated: " + detail);
    }

    private static InvalidInputException corrupt(String detail) {
        return new InvalidInputException("checkpoint corrupt: " + detail);
    }

    private static InvalidInputException badMagic(byte[] b) {
        byte[] head = Arrays.copyOf(b, Math.min(b.length, MAGIC.length));
        return new InvalidInputException("not a CRESPR checkpoint (bad magic 0x" + CheckpointFormat.hex(head)
                + ", expected \"" + new String(MAGIC, StandardCharsets.US_ASCII) + "\")");
    }
}
