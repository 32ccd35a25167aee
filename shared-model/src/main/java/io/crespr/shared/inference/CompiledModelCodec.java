package io.crespr.shared.inference;

import io.crespr.shared.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a {@link SparseModel} as a compiled model file, version 2: the plan exactly
 * as it runs (per layer the kind, why, the estimates, the kernel's arrays, the biases and the
 * activation), so it runs without its source checkpoint and without re-calibrating the cost
 * model, giving the same outputs bit for bit.
 *
 * <h2>Byte layout (version 2)</h2>
 *
 * All integers and {@code float32}/{@code float64} values are <b>big-endian</b>; {@code u32}
 * values are written as Java {@code int}s and must be non-negative. A string is a {@code u32}
 * byte count and that many UTF-8 bytes. A varint is an unsigned LEB128 (seven bits a byte, least
 * significant first), canonical and at most 31 bits, as in the checkpoint format.
 *
 * <pre>
 * offset  size  field
 * 0       8     magic, the ASCII bytes "CRESPRCM"
 * 8       2     u16 format version = 2
 * 10      8     u64 L, the total file length in bytes, this preamble and the trailer included
 * 18      ...   body (below)
 * L-32    32    SHA-256 of bytes [0, L-32)
 * </pre>
 *
 * Body: string architecture; 32 bytes, the SHA-256 of the source checkpoint's file; i64 the
 * source checkpoint's seed (selects its test split); u32 the batch the plan was chosen for;
 * u32 the input width; u32 the number of layers; then per layer:
 *
 * <pre>
 * u32 DL4J layer index, u32 in, u32 out, u32 surviving weights (nnz)
 *     (in and out are the kernel matrix's rows and columns: for a convolution its taps,
 *     channels·kernel², and its output channels)
 * u8  kind: 0 dense, 1 csr, 2 block-diagonal
 * u8  activation: 0 ReLU, 1 softmax (the last layer, and only it), 2 none
 * u8  type: 0 fully connected, 1 convolution, then for a convolution:
 *     u32 input channels, u32 height, u32 width, u32 kernel side, u32 max-pool side (1: none);
 *     stride 1, no padding, taps = channels·kernel² must equal in
 * string  reason (why this kind)
 * u8  E, then E times: u8 kind, f64 estimated ns/sample
 * out float32  biases
 * kernel:
 *   dense:  out·in float32, the transposed weights, wt[o·in + i]
 *   csr:    out varints, the surviving weights of each output unit; then for every unit in
 *           turn its input columns (&lt; in, increasing) as varints, the first the column itself,
 *           every later one the difference to the one before (at least 1); then the nnz
 *           float32 values in the same order
 *   block:  u32 k, then per module: u32 R, u32 C, R u32 input rows (&lt; in), C u32 output
 *           columns (&lt; out), R·C float32 weights w[j·R + r]; then the inter-module rest as csr
 * </pre>
 *
 * <h3>Errors</h3>
 *
 * Every problem is an {@link InvalidInputException} with a one-line message; readers check, in
 * order: the magic ({@code "not a CRESPR compiled model (bad magic …)"}, or {@code "… is a CRESPR
 * checkpoint, not a compiled model …"}), the version ({@code "unsupported compiled model format
 * version N (this build reads 1)"}), the length ({@code "compiled model truncated: …"}, {@code
 * "compiled model has N trailing bytes …"}), the hash ({@code "compiled model corrupt: SHA-256
 * mismatch …"}), then the body ({@code "compiled model corrupt: …"}).
 */
public final class CompiledModelCodec {

    /** The format version this build writes and reads (version 1, before convolutions, is compiled again from its checkpoint). */
    public static final int FORMAT_VERSION = 2;

    static final byte[] MAGIC = "CRESPRCM".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CHECKPOINT_MAGIC = "CRESPRCK".getBytes(StandardCharsets.US_ASCII);
    static final int PREAMBLE_BYTES = 18;
    static final int TRAILER_BYTES = 32;

    private CompiledModelCodec() {
    }

    /** True when {@code bytes} start with the compiled model magic. */
    public static boolean isCompiledModel(byte[] bytes) {
        return startsWith(bytes, MAGIC);
    }

    /** True when {@code bytes} start with the checkpoint magic ({@code "CRESPRCK"}). */
    public static boolean isCheckpoint(byte[] bytes) {
        return startsWith(bytes, CHECKPOINT_MAGIC);
    }

    private static boolean startsWith(byte[] bytes, byte[] magic) {
        return bytes.length >= magic.length && Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length);
    }

    /** Encodes a compiled model; the result is deterministic. */
    public static byte[] toBytes(SparseModel m) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.write(MAGIC);
            out.writeShort(FORMAT_VERSION);
            out.writeLong(0L); // patched below
            string(out, m.architecture());
            out.write(HexFormat.of().parseHex(m.sourceSha256()));
            out.writeLong(m.seed());
            out.writeInt(m.batch());
            out.writeInt(m.inputWidth());
            out.writeInt(m.layers().size());
            for (SparseModel.Layer l : m.layers()) {
                out.writeInt(l.index());
                out.writeInt(l.in());
                out.writeInt(l.out());
                out.writeInt(l.nnz());
                out.writeByte(l.kind().ordinal());
                out.writeByte(switch (l.activation()) {
                    case RELU -> 0;
                    case SOFTMAX -> 1;
                    case IDENTITY -> 2;
                });
                out.writeByte(l.conv() == null ? 0 : 1);
                if (l.conv() != null) {
                    Kernels.Conv g = l.conv();
                    out.writeInt(g.channels());
                    out.writeInt(g.height());
                    out.writeInt(g.width());
                    out.writeInt(g.kernel());
                    out.writeInt(g.pool());
                }
                string(out, l.reason());
                out.writeByte(l.estimates().size());
                for (Map.Entry<PlanKind, Double> e : l.estimates().entrySet()) {
                    out.writeByte(e.getKey().ordinal());
                    out.writeDouble(e.getValue());
                }
                floats(out, l.bias());
                switch (l.kind()) {
                    case DENSE -> floats(out, ((Kernels.Dense) l.kernel()).wt);
                    case CSR -> csr(out, (Kernels.Csr) l.kernel());
                    case BLOCK -> {
                        Kernels.Block b = (Kernels.Block) l.kernel();
                        out.writeInt(b.rows.length);
                        for (int k = 0; k < b.rows.length; k++) {
                            out.writeInt(b.rows[k].length);
                            out.writeInt(b.cols[k].length);
                            ints(out, b.rows[k]);
                            ints(out, b.cols[k]);
                            floats(out, b.wt[k]);
                        }
                        csr(out, b.rest);
                    }
                    default -> throw new IllegalStateException("unknown kind " + l.kind());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = buf.toByteArray();
        byte[] file = Arrays.copyOf(body, body.length + TRAILER_BYTES);
        ByteBuffer.wrap(file, 10, 8).putLong(file.length);
        System.arraycopy(sha256(file, body.length), 0, file, body.length, TRAILER_BYTES);
        return file;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void floats(DataOutputStream out, float[] v) throws IOException {
        for (float f : v) {
            out.writeInt(Float.floatToRawIntBits(f));
        }
    }

    private static void ints(DataOutputStream out, int[] v) throws IOException {
        for (int i : v) {
            out.writeInt(i);
        }
    }

    private static void csr(DataOutputStream out, Kernels.Csr c) throws IOException {
        for (int o = 0; o < c.out; o++) {
            varint(out, c.rowPtr[o + 1] - c.rowPtr[o]);
        }
        for (int o = 0; o < c.out; o++) {
            for (int k = c.rowPtr[o]; k < c.rowPtr[o + 1]; k++) {
                varint(out, k == c.rowPtr[o] ? c.cols[k] : c.cols[k] - c.cols[k - 1]);
            }
        }
        floats(out, c.vals);
    }

    /** Unsigned LEB128: seven bits a byte, least significant first, the high bit set on every byte but the last. */
    private static void varint(DataOutputStream out, int v) throws IOException {
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    /**
     * Decodes a compiled model that fills the whole array.
     *
     * @throws InvalidInputException for anything but a complete, intact version-1 compiled model
     */
    public static SparseModel fromBytes(byte[] bytes) {
        if (!isCompiledModel(bytes)) {
            if (isCheckpoint(bytes)) {
                throw new InvalidInputException("this is a CRESPR checkpoint, not a compiled model (magic \"CRESPRCK\"); "
                        + "compile it first: ./crespr infer --model FILE.ckpt --compile OUT.cspm");
            }
            if (bytes.length < MAGIC.length && Arrays.equals(bytes, 0, bytes.length, MAGIC, 0, bytes.length)) {
                throw new InvalidInputException("compiled model truncated: " + bytes.length + " bytes, shorter than its "
                        + MAGIC.length + "-byte magic");
            }
            throw new InvalidInputException("not a CRESPR compiled model (bad magic "
                    + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAGIC.length)) + ", expected \"CRESPRCM\")");
        }
        if (bytes.length < PREAMBLE_BYTES) {
            throw new InvalidInputException("compiled model truncated: " + bytes.length + " bytes, shorter than its "
                    + PREAMBLE_BYTES + "-byte preamble");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        int version = Short.toUnsignedInt(in.getShort());
        if (version != FORMAT_VERSION) {
            throw new InvalidInputException("unsupported compiled model format version " + version + " (this build reads "
                    + FORMAT_VERSION + "; compile the checkpoint again with ./crespr infer --model FILE.ckpt --compile OUT.cspm)");
        }
        long length = in.getLong();
        if (length < PREAMBLE_BYTES + TRAILER_BYTES) {
            throw new InvalidInputException("compiled model corrupt: declared length " + length + " is shorter than "
                    + "preamble and trailer");
        }
        if (bytes.length < length) {
            throw new InvalidInputException("compiled model truncated: " + bytes.length + " of " + length + " bytes");
        }
        if (bytes.length > length) {
            throw new InvalidInputException("compiled model has " + (bytes.length - length) + " trailing bytes after its "
                    + length + " declared bytes");
        }
        int end = (int) length - TRAILER_BYTES;
        byte[] computed = sha256(bytes, end);
        if (!Arrays.equals(bytes, end, (int) length, computed, 0, TRAILER_BYTES)) {
            throw new InvalidInputException("compiled model corrupt: SHA-256 mismatch (stored "
                    + HexFormat.of().formatHex(bytes, end, (int) length) + ", computed " + HexFormat.of().formatHex(computed)
                    + ")");
        }
        try {
            SparseModel m = body(in.limit(end));
            if (in.hasRemaining()) {
                throw corrupt(in.remaining() + " unread bytes after the last layer");
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw corrupt("a layer runs past the end of the body", e);
        }
    }

    private static SparseModel body(ByteBuffer in) {
        String arch = string(in);
        byte[] source = new byte[32];
        in.get(source);
        long seed = in.getLong();
        int batch = count(in, "batch");
        if (batch < 1) {
            throw corrupt("batch " + batch + " is below 1");
        }
        int inputWidth = count(in, "input width");
        int n = count(in, "layer count");
        if (n < 1) {
            throw corrupt("no layers");
        }
        List<SparseModel.Layer> layers = new ArrayList<>();
        int width = inputWidth;
        for (int l = 0; l < n; l++) {
            int index = count(in, "layer index");
            int nIn = count(in, "layer input width");
            int nOut = count(in, "layer output width");
            int nnz = count(in, "layer nnz");
            if (nIn < 1 || nOut < 1) {
                throw corrupt("layer " + l + " is " + nIn + "x" + nOut);
            }
            PlanKind kind = kind(in.get());
            int act = in.get();
            int type = in.get();
            if (type != 0 && type != 1) {
                throw corrupt("layer " + l + " has unknown type " + type + " (0 fully connected, 1 convolution)");
            }
            Kernels.Conv conv = type == 1 ? conv(in, l, nIn) : null;
            int expectedAct = l == n - 1 ? 1 : conv != null ? 2 : 0;
            if (act != expectedAct) {
                throw corrupt("layer " + l + " has activation " + act + "; the last layer is softmax (1), a convolution "
                        + "has none (2), the other layers ReLU (0)");
            }
            if (conv != null && l == n - 1) {
                throw corrupt("the last layer is a convolution; it must be fully connected");
            }
            int layerInput = conv == null ? nIn : conv.inputWidth();
            if (layerInput != width) {
                throw corrupt("layer " + l + " reads " + layerInput + " values, the layer before gives " + width);
            }
            String reason = string(in);
            int e = Byte.toUnsignedInt(in.get());
            Map<PlanKind, Double> est = new EnumMap<>(PlanKind.class);
            for (int k = 0; k < e; k++) {
                est.put(kind(in.get()), in.getDouble());
            }
            float[] bias = floats(in, nOut);
            Kernels.Kernel kernel = switch (kind) {
                case DENSE -> new Kernels.Dense(nIn, nOut, floats(in, (long) nIn * nOut));
                case CSR -> csr(in, nIn, nOut);
                case BLOCK -> {
                    int k = count(in, "module count");
                    need(in, (long) k * 8);
                    int[][] rows = new int[k][];
                    int[][] cols = new int[k][];
                    float[][] wt = new float[k][];
                    for (int m = 0; m < k; m++) {
                        int r = count(in, "block rows");
                        int c = count(in, "block columns");
                        rows[m] = indices(in, r, nIn, "block row");
                        cols[m] = indices(in, c, nOut, "block column");
                        wt[m] = floats(in, (long) r * c);
                    }
                    yield new Kernels.Block(rows, cols, wt, csr(in, nIn, nOut));
                }
            };
            SparseModel.Activation activation = switch (act) {
                case 0 -> SparseModel.Activation.RELU;
                case 1 -> SparseModel.Activation.SOFTMAX;
                default -> SparseModel.Activation.IDENTITY; // 2: the only other code the check above lets through
            };
            SparseModel.Layer layer = new SparseModel.Layer(index, nIn, nOut, nnz, kind, est, reason, activation, bias,
                    kernel, conv);
            layers.add(layer);
            width = layer.outputWidth();
        }
        return new SparseModel(arch, layers, HexFormat.of().formatHex(source), seed, batch);
    }

    /** A convolution's geometry, checked against its kernel matrix's {@code taps} rows. */
    private static Kernels.Conv conv(ByteBuffer in, int l, int taps) {
        int channels = count(in, "channels");
        int height = count(in, "height");
        int width = count(in, "width");
        int kernel = count(in, "kernel side");
        int pool = count(in, "pool side");
        if (channels < 1 || kernel < 1 || kernel > height || kernel > width || pool < 1
                || pool > height - kernel + 1 || pool > width - kernel + 1
                || (long) channels * height * width > Integer.MAX_VALUE / 64) {
            throw corrupt("convolution " + l + " of " + channels + " channels of " + height + "x" + width + ", kernel "
                    + kernel + ", pool " + pool + " is impossible");
        }
        if ((long) channels * kernel * kernel != taps) {
            throw corrupt("convolution " + l + " has " + channels + "x" + kernel + "x" + kernel + " taps, its kernel matrix "
                    + taps + " rows");
        }
        return new Kernels.Conv(channels, height, width, kernel, pool);
    }

    private static Kernels.Csr csr(ByteBuffer in, int nIn, int nOut) {
        need(in, nOut);
        int[] rowPtr = new int[nOut + 1];
        for (int o = 0; o < nOut; o++) {
            long next = (long) rowPtr[o] + varint(in);
            if (next > nIn * (long) (o + 1) || next * 5 > in.remaining()) {
                throw corrupt("csr row " + o + " ends at " + next + " weights, more than its inputs or the bytes left allow");
            }
            rowPtr[o + 1] = (int) next;
        }
        int nnz = rowPtr[nOut];
        int[] cols = new int[nnz];
        for (int o = 0; o < nOut; o++) {
            for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) {
                int d = varint(in);
                long c = k == rowPtr[o] ? d : (long) cols[k - 1] + d;
                if ((k > rowPtr[o] && d < 1) || c >= nIn) {
                    throw corrupt("csr column " + c + " of row " + o + " is out of range [0, " + nIn
                            + ") or not increasing");
                }
                cols[k] = (int) c;
            }
        }
        return new Kernels.Csr(nOut, rowPtr, cols, floats(in, nnz));
    }

    private static int varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = Byte.toUnsignedInt(in.get());
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v > Integer.MAX_VALUE || (b == 0 && shift > 0)) {
                    throw corrupt("varint " + v + " is not canonical or does not fit 31 bits");
                }
                return (int) v;
            }
        }
        throw corrupt("varint longer than 5 bytes");
    }

    private static PlanKind kind(byte b) {
        if (b < 0 || b >= PlanKind.values().length) {
            throw corrupt("unknown layer kind " + b);
        }
        return PlanKind.values()[b];
    }

    private static int count(ByteBuffer in, String what) {
        int v = in.getInt();
        if (v < 0) {
            throw corrupt(what + " " + Integer.toUnsignedString(v) + " is out of range");
        }
        return v;
    }

    private static void need(ByteBuffer in, long bytes) {
        if (bytes > in.remaining()) {
            throw corrupt("an array of " + bytes + " bytes runs past the end of the body (" + in.remaining() + " left)");
        }
    }

    private static int[] indices(ByteBuffer in, int n, int bound, String what) {
        need(in, 4L * n);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.getInt();
            if (v[i] < 0 || v[i] >= bound) {
                throw corrupt(what + " " + v[i] + " is out of range [0, " + bound + ")");
            }
        }
        return v;
    }

    private static float[] floats(ByteBuffer in, long n) {
        need(in, 4L * n);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(in.getInt());
        }
        return v;
    }

    private static String string(ByteBuffer in) {
        int n = count(in, "string length");
        need(in, n);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static InvalidInputException corrupt(String why) {
        return new InvalidInputException("compiled model corrupt: " + why);
    }

    private static InvalidInputException corrupt(String why, Throwable cause) {
        return new InvalidInputException("compiled model corrupt: " + why, cause);
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes, 0, length);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a compiled model to a file atomically (a temporary file forced to disk, then moved over).
     *
     * @throws UncheckedIOException when the file cannot be written (the message names it)
     */
    public static void save(SparseModel m, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new InvalidInputException("cannot save compiled model to " + file + ": directory " + dir
                    + " does not exist");
        }
        byte[] bytes = toBytes(m);
        try {
            io.crespr.shared.report.AtomicFiles.writeDurably(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save compiled model to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a compiled model file.
     *
     * @throws InvalidInputException when the file is missing, unreadable or not a valid compiled model;
     *         the message starts with the file name
     */
    public static SparseModel load(Path file) {
        byte[] bytes = readFile(file);
        try {
            return fromBytes(bytes);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of a model file, with the messages {@link #load} gives for a missing or unreadable one. */
    public static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("model file not found: " + file, e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }
}
