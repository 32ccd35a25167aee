package io.crespr.shared.model;

import static io.crespr.shared.model.CheckpointFormat.DENSE;
import static io.crespr.shared.model.CheckpointFormat.JSON;
import static io.crespr.shared.model.CheckpointFormat.MAGIC;
import static io.crespr.shared.model.CheckpointFormat.MAX_FILE_BYTES;
import static io.crespr.shared.model.CheckpointFormat.PREAMBLE_BYTES;
import static io.crespr.shared.model.CheckpointFormat.SPARSE;
import static io.crespr.shared.model.CheckpointFormat.TRAILER_BYTES;
import static io.crespr.shared.model.CheckpointFormat.VERSION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crespr.shared.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Encodes a {@link Checkpoint} into the format documented on {@link CheckpointCodec}. It
 * validates everything first and plans every section's size, then fills one exact-size array,
 * so nothing is produced for a checkpoint it refuses. The output is deterministic: the same
 * checkpoint always gives the same bytes.
 */
final class CheckpointFormatWriter {

    private CheckpointFormatWriter() {
    }

    /** What one tensor becomes: its encoding and payload size, decided before anything is written. */
    private record TensorPlan(ParamTensor param, Mask mask, String encoding, int kept, long bytes) {
    }

    static byte[] encode(Checkpoint c) {
        if (c == null) {
            throw new InvalidInputException("cannot write checkpoint: it is null");
        }
        List<TensorPlan> plans = plan(c);
        ModuleMap modules = c.modules();
        long moduleBytes = moduleSectionSize(modules);

        byte[] header = header(c, plans, moduleBytes);
        long total = (long) PREAMBLE_BYTES + header.length + moduleBytes + TRAILER_BYTES;
        for (TensorPlan p : plans) {
            total += p.bytes();
        }
        if (total > MAX_FILE_BYTES) {
            throw new InvalidInputException("cannot write checkpoint " + c.id() + ": it would take " + total
                    + " bytes, more than the " + MAX_FILE_BYTES + " one file can hold");
        }

        byte[] out = new byte[(int) total];
        ByteBuffer buf = ByteBuffer.wrap(out); // big-endian
        buf.put(MAGIC).putShort((short) VERSION).putLong(total).putInt(header.length).put(header);
        if (modules != null) {
            for (int[] list : modules.assignments()) {
                for (int v : list) {
                    putVarint(buf, CheckpointFormat.zigzag(v));
                }
            }
        }
        for (TensorPlan p : plans) {
            int start = buf.position();
            if (p.encoding().equals(SPARSE)) {
                writeSparse(buf, p);
            } else {
                writeDense(buf, p);
            }
            if (buf.position() - start != p.bytes()) {
                throw new IllegalStateException("tensor " + p.param().name() + " planned " + p.bytes()
                        + " bytes, wrote " + (buf.position() - start));
            }
        }
        buf.put(CheckpointFormat.sha256(out, 0, out.length - TRAILER_BYTES));
        if (buf.hasRemaining()) {
            throw new IllegalStateException("checkpoint encoding left " + buf.remaining() + " bytes unwritten");
        }
        return out;
    }

    // ---- validation and planning ----

    private static List<TensorPlan> plan(Checkpoint c) {
        Set<String> names = new HashSet<>();
        for (ParamTensor p : c.params()) {
            if (p.name() == null) {
                throw new InvalidInputException("cannot write checkpoint " + c.id() + ": a parameter has no name");
            }
            if (!names.add(p.name())) {
                throw new InvalidInputException("cannot write checkpoint " + c.id() + ": duplicate parameter name "
                        + p.name());
            }
            float[] v = p.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new InvalidInputException("cannot write checkpoint " + c.id() + ": parameter " + p.name()
                            + " has " + v[i] + " at index " + i);
                }
            }
        }
        for (Map.Entry<String, Mask> e : c.masks().entrySet()) {
            if (e.getValue() == null || !e.getValue().param().equals(e.getKey())) {
                throw new InvalidInputException("cannot write checkpoint " + c.id() + ": mask stored under key "
                        + e.getKey() + " is for parameter " + (e.getValue() == null ? null : e.getValue().param()));
            }
        }
        List<TensorPlan> plans = new ArrayList<>(c.params().size());
        for (ParamTensor p : c.params()) {
            plans.add(planTensor(p, c.masks().get(p.name())));
        }
        return plans;
    }

    private static TensorPlan planTensor(ParamTensor p, Mask mask) {
        long n = p.size();
        if (mask == null) {
            return new TensorPlan(p, null, DENSE, -1, 4 * n);
        }
        long denseBytes = 4 * n + bitmapBytes(p.size());
        long sparseBytes = 0;
        int kept = 0;
        int previous = 0;
        boolean[] keep = mask.keep();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                sparseBytes += CheckpointFormat.varintSize(i - previous) + 4;
                previous = i;
                kept++;
            }
        }
        return sparseBytes < denseBytes
                ? new TensorPlan(p, mask, SPARSE, kept, sparseBytes)
                : new TensorPlan(p, mask, DENSE, kept, denseBytes);
    }

    static int bitmapBytes(int n) {
        return (n + 7) / 8;
    }

    private static long moduleSectionSize(ModuleMap modules) {
        long bytes = 0;
        if (modules != null) {
            for (int[] list : modules.assignments()) {
                for (int v : list) {
                    bytes += CheckpointFormat.varintSize(CheckpointFormat.zigzag(v));
                }
            }
        }
        return bytes;
    }

    // ---- header ----

    private static byte[] header(Checkpoint c, List<TensorPlan> plans, long moduleBytes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", c.id());
        root.put("architecture", c.architecture());
        root.set("provenance", provenance(c.provenance()));
        ModuleMap modules = c.modules();
        if (modules == null) {
            root.putNull("modules");
        } else {
            ObjectNode m = root.putObject("modules");
            m.put("k", modules.k());
            ArrayNode sizes = m.putArray("sizes");
            modules.assignments().forEach(a -> sizes.add(a.length));
            m.put("bytes", moduleBytes);
        }
        ArrayNode tensors = root.putArray("tensors");
        for (TensorPlan p : plans) {
            ObjectNode t = tensors.addObject();
            t.put("name", p.param().name());
            ArrayNode shape = t.putArray("shape");
            for (long s : p.param().shape()) {
                shape.add(s);
            }
            t.put("encoding", p.encoding());
            t.put("masked", p.mask() != null);
            if (p.encoding().equals(SPARSE)) {
                t.put("kept", p.kept());
            }
            t.put("bytes", p.bytes());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("cannot write checkpoint " + c.id() + ": header does not encode as JSON: "
                    + CheckpointFormat.oneLine(e.getOriginalMessage()), e);
        }
    }

    private static ObjectNode provenance(Provenance p) {
        if (p == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("parentId", p.parentId());
        n.put("stage", p.stage());
        ArrayNode plugins = n.putArray("plugins");
        for (PluginRef ref : p.plugins()) {
            ObjectNode r = plugins.addObject();
            r.put("stage", ref.stage());
            r.put("name", ref.name());
            stringMap(r.putObject("options"), ref.options());
        }
        n.put("dataset", p.dataset());
        n.put("seed", p.seed());
        n.put("round", p.round());
        stringMap(n.putObject("versions"), p.versions());
        n.put("createdAt", p.createdAt());
        return n;
    }

    /** Writes a string map with its keys sorted, so the bytes do not depend on the map's iteration order. */
    private static void stringMap(ObjectNode target, Map<String, String> map) {
        new TreeMap<>(map).forEach(target::put);
    }

    // ---- payloads ----

    private static void writeDense(ByteBuffer buf, TensorPlan p) {
        for (float v : p.param().values()) {
            buf.putFloat(v);
        }
        if (p.mask() != null) {
            boolean[] keep = p.mask().keep();
            byte[] bitmap = new byte[bitmapBytes(keep.length)];
            for (int i = 0; i < keep.length; i++) {
                if (keep[i]) {
                    bitmap[i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
            buf.put(bitmap);
        }
    }

    private static void writeSparse(ByteBuffer buf, TensorPlan p) {
        boolean[] keep = p.mask().keep();
        float[] values = p.param().values();
        int previous = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                putVarint(buf, i - previous);
                previous = i;
            }
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                buf.putFloat(values[i]);
            }
        }
    }

    /** Unsigned LEB128: seven bits a byte, low bits first, high bit set on every byte but the last. */
    private static void putVarint(ByteBuffer buf, int value) {
        while ((value & ~0x7F) != 0) {
            buf.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buf.put((byte) value);
    }
}
