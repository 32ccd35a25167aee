package io.crespr.shared.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crespr.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCodecTest {

    private static final long[][] LENET_SHAPES = {{784, 300}, {300}, {300, 100}, {100}, {100, 10}, {10}};
    private static final String[] LENET_NAMES = {"0_W", "0_b", "1_W", "1_b", "2_W", "2_b"};
    private static final int PREAMBLE = 22;
    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- round trips ----

    @Test
    void denseRoundTripIsExact() {
        Checkpoint c = lenet("dense-1", 0.0, false, ModuleMap.EMPTY, provenance(null), 1);

        byte[] bytes = CheckpointCodec.toBytes(c);
        Checkpoint back = CheckpointCodec.fromBytes(bytes);

        assertIdentical(back, c);
        assertThat(back.masks()).isEmpty();
        assertThat(back.modules()).isSameAs(ModuleMap.EMPTY);
        assertThat(back.provenance().parentId()).isNull();
        assertThat(encodings(bytes)).containsOnly("DENSE");
    }

    @Test
    void sparseRoundTripIsExact() {
        Checkpoint c = lenet("sparse-1", 0.99, true, modules(3, 7), provenance("dense-1"), 2);

        byte[] bytes = CheckpointCodec.toBytes(c);
        Checkpoint back = CheckpointCodec.fromBytes(bytes);

        assertIdentical(back, c);
        assertThat(back.masks().keySet()).containsExactly("0_W", "1_W", "2_W");
        assertThat(back.sparsity()).isEqualTo(c.sparsity());
        assertThat(back.modules().assignments().get(0)).containsOnly(-1);
        assertThat(encodings(bytes)).containsExactly("SPARSE", "DENSE", "SPARSE", "DENSE", "SPARSE", "DENSE");
    }

    @Test
    void everyMaskComesBackEvenAllKeptOnesAndUnmaskedTensorsGetNone() {
        float[] w = {1f, -0.0f, 0f, 2.5f, -3f, 0f};
        float[] b = {0.5f, -0.0f};
        Checkpoint c = new Checkpoint("masks", "mlp:3-2", List.of(new ParamTensor("0_W", new long[] {3, 2}, w),
                new ParamTensor("0_b", new long[] {2}, b)),
                Map.of("0_W", Mask.dense("0_W", 6)), ModuleMap.EMPTY, provenance(null));

        byte[] bytes = CheckpointCodec.toBytes(c);
        Checkpoint back = CheckpointCodec.fromBytes(bytes);

        assertIdentical(back, c);
        assertThat(back.masks()).containsOnlyKeys("0_W");
        assertThat(back.masks().get("0_W").keptCount()).isEqualTo(6);
        assertThat(encodings(bytes)).containsExactly("DENSE", "DENSE"); // all kept: dense plus bitmap is smaller
        assertThat(Float.floatToRawIntBits(back.param("0_W").values()[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }

    @Test
    void sparseTensorsKeepKeptNegativeZeroAndReadPrunedZerosAsPositiveZero() {
        float[] w = new float[100];
        boolean[] keep = new boolean[100];
        w[0] = -0.0f; // kept
        keep[0] = true;
        w[5] = 1.25f;
        keep[5] = true;
        w[9] = -0.0f; // pruned: "exactly zero", documented to come back as +0.0
        Checkpoint c = new Checkpoint("negzero", "mlp:10-10", List.of(new ParamTensor("0_W", new long[] {10, 10}, w)),
                Map.of("0_W", new Mask("0_W", keep)), ModuleMap.EMPTY, provenance(null));

        byte[] bytes = CheckpointCodec.toBytes(c);
        float[] back = CheckpointCodec.fromBytes(bytes).param("0_W").values();

        assertThat(encodings(bytes)).containsExactly("SPARSE");
        assertThat(Float.floatToRawIntBits(back[0])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(Float.floatToRawIntBits(back[9])).isZero();
        assertThat(back[5]).isEqualTo(1.25f);
    }

    @Test
    void nullFieldsAndEmptyShapesRoundTrip() {
        Provenance p = new Provenance(null, null, List.of(new PluginRef("prune", null, nullValued())), null, -1L,
                0, Map.of(), null);
        Checkpoint c = new Checkpoint(null, null, List.of(new ParamTensor("s_b", new long[0], new float[] {7f}),
                new ParamTensor("z_W", new long[] {0, 4}, new float[0])), Map.of("z_W", new Mask("z_W", new boolean[0])),
                null, p);

        Checkpoint back = CheckpointCodec.fromBytes(CheckpointCodec.toBytes(c));

        assertIdentical(back, c);
        assertThat(back.modules()).isNull();
        assertThat(back.provenance().plugins().get(0).options()).containsEntry("x", null);
    }

    @Test
    void streamsAndContentHashAreDeterministic() {
        Checkpoint c = lenet("s", 0.9, true, modules(4, 3), provenance("p"), 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        CheckpointCodec.write(c, out);
        Checkpoint back = CheckpointCodec.read(new ByteArrayInputStream(out.toByteArray()));

        assertIdentical(back, c);
        byte[] bytes = out.toByteArray();
        assertThat(CheckpointCodec.toBytes(back)).isEqualTo(bytes);
        String trailer = hex(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
        assertThat(trailer).isEqualTo(CheckpointCodec.sha256(Arrays.copyOf(bytes, bytes.length - 32)));
        String hash = CheckpointCodec.contentHash(c);
        assertThat(hash).hasSize(64).isEqualTo(CheckpointCodec.contentHash(back)).isEqualTo(CheckpointCodec.sha256(bytes));
        Checkpoint other = lenet("s", 0.9, true, modules(4, 3), provenance("p"), 6);
        assertThat(CheckpointCodec.contentHash(other)).isNotEqualTo(hash);
    }

    // ---- size ----

    @Test
    void ninetyNinePercentSparseLeNetTakesAtMostFivePercentOfDense() {
        Checkpoint dense = lenet("dense", 0.0, false, ModuleMap.EMPTY, provenance(null), 11);
        Checkpoint sparse = lenet("sparse", 0.99, true, ModuleMap.EMPTY, provenance("dense"), 11);
        assertThat(sparse.prunableCount()).isEqualTo(266_200);
        assertThat(sparse.sparsity()).isCloseTo(0.99, org.assertj.core.data.Offset.offset(1e-4));

        int denseBytes = CheckpointCodec.toBytes(dense).length;
        int sparseBytes = CheckpointCodec.toBytes(sparse).length;
        System.out.printf("LeNet-300-100 checkpoint: dense %,d bytes, 99%%-sparse %,d bytes (%.2f%%)%n",
                denseBytes, sparseBytes, 100.0 * sparseBytes / denseBytes);

        assertThat(denseBytes).isGreaterThan(4 * 266_610);
        assertThat((double) sparseBytes).isLessThanOrEqualTo(0.05 * denseBytes);
    }

    // ---- damage ----

    @Test
    void truncatedFilesAreRejectedWhereverTheyAreCut() {
        byte[] bytes = CheckpointCodec.toBytes(lenet("t", 0.95, true, modules(2, 1), provenance("p"), 3));
        int headerEnd = PREAMBLE + ByteBuffer.wrap(bytes).getInt(18);
        int[] cuts = {0, 3, 8, 9, 15, 21, PREAMBLE + 5, headerEnd - 1, headerEnd + 1, bytes.length / 2,
            bytes.length - 33, bytes.length - 32, bytes.length - 20, bytes.length - 1};
        for (int cut : cuts) {
            assertThatThrownBy(() -> CheckpointCodec.fromBytes(Arrays.copyOf(bytes, cut)))
                    .as("cut at %d of %d", cut, bytes.length)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(Arrays.copyOf(bytes, PREAMBLE + 5)))
                .hasMessageContaining("cut in the header");
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(Arrays.copyOf(bytes, bytes.length / 2)))
                .hasMessageContaining("cut in the tensor payload");
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
                .hasMessageContaining("cut in the SHA-256 trailer");
    }

    @Test
    void everyProperPrefixOfAFileIsTruncated() {
        byte[] bytes = CheckpointCodec.toBytes(mixed());
        for (int cut = 0; cut < bytes.length; cut++) {
            int at = cut;
            assertThatThrownBy(() -> CheckpointCodec.fromBytes(Arrays.copyOf(bytes, at)))
                    .as("cut at %d of %d", cut, bytes.length)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("checkpoint truncated: ");
        }
    }

    @Test
    void randomDamageBehindAValidHashGivesOneLineInvalidInputOrAnIntactCheckpoint() {
        Checkpoint c = mixed();
        byte[] bytes = CheckpointCodec.toBytes(c);
        assertIdentical(CheckpointCodec.fromBytes(bytes), c);
        assertThat(encodings(bytes)).containsExactly("SPARSE", "DENSE", "DENSE");
        SplittableRandom rnd = new SplittableRandom(2024);
        int rejected = 0;
        for (int trial = 0; trial < 5_000; trial++) {
            byte[] bad = bytes.clone();
            for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                bad[rnd.nextInt(bad.length - 32)] = (byte) rnd.nextInt(256);
            }
            try {
                CheckpointCodec.fromBytes(rehash(bad));
            } catch (InvalidInputException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("trial " + trial + " threw " + e, e);
            }
        }
        assertThat(rejected).isGreaterThan(1_000);
    }

    @Test
    void aStreamThatFailsCountsAsTruncated() {
        byte[] bytes = CheckpointCodec.toBytes(small());
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(bytes, 0, bytes.length / 2),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new EOFException("unexpected end of stream");
                    }
                });
        assertThatThrownBy(() -> CheckpointCodec.read(failing))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated");
    }

    @Test
    void aFlippedByteIsCaughtByTheHash() {
        byte[] bytes = CheckpointCodec.toBytes(lenet("f", 0.9, true, ModuleMap.EMPTY, provenance(null), 4));
        for (int at : new int[] {bytes.length - 100, PREAMBLE + 3, bytes.length - 5}) {
            byte[] bad = bytes.clone();
            bad[at] ^= 0x10;
            assertThatThrownBy(() -> CheckpointCodec.fromBytes(bad))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("checkpoint corrupt: SHA-256 mismatch");
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = CheckpointCodec.toBytes(small());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(longer))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("3 trailing bytes");
    }

    @Test
    void badMagicIsNotACheckpoint() {
        byte[] bytes = CheckpointCodec.toBytes(small());
        bytes[0] = 'X';
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(bytes))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("not a CRESPR checkpoint (bad magic 0x58");
        assertThatThrownBy(() -> CheckpointCodec.fromBytes("PK\3\4".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageStartingWith("not a CRESPR checkpoint (bad magic");
    }

    @Test
    void otherVersionsAreUnsupported() {
        byte[] bytes = CheckpointCodec.toBytes(small());
        bytes[9] = 2;
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(rehash(bytes)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unsupported checkpoint format version 2 (this build reads 1)");
    }

    @Test
    void nanAndInfinityAreRefusedOnWrite() {
        Checkpoint ok = small();
        float[] v = ok.param("0_W").values().clone();
        v[7] = Float.NaN;
        Checkpoint nan = ok.withParams(List.of(ok.param("0_W").withValues(v), ok.param("0_b")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> CheckpointCodec.write(nan, out))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("0_W").hasMessageContaining("NaN").hasMessageContaining("index 7");
        assertThat(out.size()).isZero();

        float[] b = ok.param("0_b").values().clone();
        b[1] = Float.NEGATIVE_INFINITY;
        Checkpoint inf = ok.withParams(List.of(ok.param("0_W"), ok.param("0_b").withValues(b)));
        assertThatThrownBy(() -> CheckpointCodec.toBytes(inf))
                .hasMessageContaining("0_b").hasMessageContaining("Infinity").hasMessageContaining("index 1");
    }

    @Test
    void nanIsRejectedOnReadEvenWithAValidHash() {
        byte[] bytes = CheckpointCodec.toBytes(small()); // 0_W is DENSE, unmasked, the first payload
        int payload = PREAMBLE + ByteBuffer.wrap(bytes).getInt(18);
        ByteBuffer.wrap(bytes).putInt(payload + 4 * 5, Float.floatToRawIntBits(Float.NaN));

        assertThatThrownBy(() -> CheckpointCodec.fromBytes(rehash(bytes)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("checkpoint tensor 0_W has NaN at index 5");
    }

    @Test
    void sparseIndicesMustBeIncreasingAndInRange() {
        // kept indices 0, 5, 9 of 100: varint deltas 0x00 0x05 0x04 start the first payload
        boolean[] keep = new boolean[100];
        float[] w = new float[100];
        for (int i : new int[] {0, 5, 9}) {
            keep[i] = true;
            w[i] = i + 1f;
        }
        Checkpoint c = new Checkpoint("sp", "mlp:10-10", List.of(new ParamTensor("0_W", new long[] {10, 10}, w)),
                Map.of("0_W", new Mask("0_W", keep)), ModuleMap.EMPTY, provenance(null));
        byte[] bytes = CheckpointCodec.toBytes(c);
        int payload = PREAMBLE + ByteBuffer.wrap(bytes).getInt(18);
        assertThat(Arrays.copyOfRange(bytes, payload, payload + 3)).containsExactly(0, 5, 4);

        byte[] repeated = bytes.clone();
        repeated[payload + 1] = 0;
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(rehash(repeated)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("0_W").hasMessageContaining("not increasing");

        byte[] outOfRange = bytes.clone();
        outOfRange[payload + 2] = 0x7F; // 5 + 127 = 132 >= 100
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(rehash(outOfRange)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("0_W").hasMessageContaining("index 132 out of range");
    }

    @Test
    void headerThatDisagreesWithThePayloadIsRejected() {
        byte[] bytes = CheckpointCodec.toBytes(small());
        byte[] wrongShape = withHeader(bytes, h -> h.replace("\"shape\":[4,3]", "\"shape\":[4,2]"));
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(wrongShape))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tensor 0_W").hasMessageContaining("8 values");
        byte[] unknownEncoding = withHeader(bytes, h -> h.replace("\"DENSE\"", "\"ZSTD\""));
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(unknownEncoding))
                .hasMessageContaining("unknown encoding ZSTD");
        byte[] notJson = withHeader(bytes, h -> h.substring(1));
        assertThatThrownBy(() -> CheckpointCodec.fromBytes(notJson))
                .hasMessageStartingWith("checkpoint corrupt: header is not valid JSON").hasMessageNotContaining("\n");
    }

    @Test
    void writerRefusesAmbiguousCheckpoints() {
        ParamTensor w = new ParamTensor("0_W", new long[] {2}, new float[] {1f, 2f});
        Checkpoint duplicate = new Checkpoint("d", "a", List.of(w, w), Map.of(), ModuleMap.EMPTY, provenance(null));
        assertThatThrownBy(() -> CheckpointCodec.toBytes(duplicate))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("duplicate parameter name 0_W");
        Checkpoint misfiled = new Checkpoint("m", "a", List.of(w), Map.of("1_W", Mask.dense("0_W", 2)),
                ModuleMap.EMPTY, provenance(null));
        assertThatThrownBy(() -> CheckpointCodec.toBytes(misfiled))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("key 1_W");
    }

    // ---- files ----

    @Test
    void saveAndLoadLeaveNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ck.crespr");
        Checkpoint first = lenet("a", 0.5, true, modules(2, 9), provenance(null), 8);
        Checkpoint second = lenet("b", 0.99, true, modules(2, 9), provenance("a"), 9);

        CheckpointCodec.save(first, file);
        CheckpointCodec.save(second, file); // replaces

        assertIdentical(CheckpointCodec.load(file), second);
        assertThat(CheckpointCodec.sha256(Files.readAllBytes(file))).isEqualTo(CheckpointCodec.contentHash(second));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.crespr");
        assertThatThrownBy(() -> CheckpointCodec.load(missing))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing.crespr");

        Path cut = dir.resolve("cut.crespr");
        byte[] bytes = CheckpointCodec.toBytes(small());
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> CheckpointCodec.load(cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cut.crespr").hasMessageContaining("truncated");
    }

    // ---- fixtures ----

    /** LeNet-300-100 with seeded weights; {@code sparsity} of each weight array pruned uniformly at random. */
    private static Checkpoint lenet(String id, double sparsity, boolean masked, ModuleMap modules, Provenance p,
            long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ParamTensor> params = new ArrayList<>();
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (int t = 0; t < LENET_NAMES.length; t++) {
            long[] shape = LENET_SHAPES[t];
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rnd.nextDouble() - 0.5) * 0.2);
            }
            String name = LENET_NAMES[t];
            if (masked && name.endsWith("_W")) {
                boolean[] keep = new boolean[n];
                int[] order = shuffled(n, rnd);
                int kept = (int) Math.round(n * (1 - sparsity));
                for (int i = 0; i < kept; i++) {
                    keep[order[i]] = true;
                }
                for (int i = 0; i < n; i++) {
                    if (!keep[i]) {
                        v[i] = 0f;
                    }
                }
                masks.put(name, new Mask(name, keep));
            }
            params.add(new ParamTensor(name, shape, v));
        }
        return new Checkpoint(id, "mlp:784-300-100-10", params, masks, modules, p);
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    private static ModuleMap modules(int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> lists = new ArrayList<>();
        int[] inputs = new int[784];
        Arrays.fill(inputs, -1);
        lists.add(inputs);
        for (int size : new int[] {300, 100, 10}) {
            lists.add(rnd.ints(size, 0, k).toArray());
        }
        return new ModuleMap(k, lists);
    }

    private static Provenance provenance(String parentId) {
        return new Provenance(parentId, parentId == null ? "init" : "prune",
                List.of(new PluginRef("train", "sgd", Map.of("lr", "0.01", "epochs", "3")),
                        new PluginRef("prune", "magnitude", Map.of())),
                "mnist", 42L, parentId == null ? 0 : 3,
                Map.of("crespr", "0.1.0-SNAPSHOT", "dl4j", "1.0.0-M2.1", "java", "17.0.9"), "2025-01-02T03:04:05Z");
    }

    private static Map<String, String> nullValued() {
        Map<String, String> m = new HashMap<>();
        m.put("x", null);
        m.put("y", "ü\"\\\n");
        return m;
    }

    /** A 4x3 dense weight and a bias, no masks. */
    private static Checkpoint small() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.5f - 2f;
        }
        return new Checkpoint("small", "mlp:4-3", List.of(new ParamTensor("0_W", new long[] {4, 3}, w),
                new ParamTensor("0_b", new long[] {3}, new float[] {0.1f, 0.2f, 0.3f})), Map.of(),
                ModuleMap.EMPTY, provenance(null));
    }

    /** One tensor of each kind: SPARSE, unmasked DENSE, masked DENSE; and a module map with -1. */
    private static Checkpoint mixed() {
        float[] w0 = new float[100];
        boolean[] k0 = new boolean[100];
        for (int i : new int[] {3, 40, 41, 99}) {
            k0[i] = true;
            w0[i] = -i / 7f;
        }
        float[] w1 = {1f, -2f, 0f, 4f, 5f, -6f, 7f, 8f, 0.5f, 1e-30f, -1e30f, 3f, 2f, 1f, 0f, 9f, 8f, 7f, 6f, 5f};
        boolean[] k1 = new boolean[20];
        Arrays.fill(k1, true);
        k1[2] = false;
        k1[14] = false;
        int[] in = new int[10];
        Arrays.fill(in, -1);
        return new Checkpoint("mixed", "mlp:10-10-2", List.of(new ParamTensor("0_W", new long[] {10, 10}, w0),
                new ParamTensor("0_b", new long[] {10}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
                new ParamTensor("1_W", new long[] {10, 2}, w1)),
                Map.of("0_W", new Mask("0_W", k0), "1_W", new Mask("1_W", k1)),
                new ModuleMap(2, List.of(in, new int[] {0, 1, 0, 1, 0, 1, 1, 1, 0, 0}, new int[] {0, 1})),
                provenance("parent"));
    }

    // ---- helpers ----

    private static void assertIdentical(Checkpoint back, Checkpoint c) {
        assertThat(back).isEqualTo(c);
        assertThat(back.id()).isEqualTo(c.id());
        assertThat(back.architecture()).isEqualTo(c.architecture());
        assertThat(back.provenance()).isEqualTo(c.provenance());
        assertThat(back.modules()).isEqualTo(c.modules());
        assertThat(back.masks()).isEqualTo(c.masks());
        assertThat(back.params()).hasSameSizeAs(c.params());
        for (int i = 0; i < c.params().size(); i++) {
            ParamTensor a = back.params().get(i);
            ParamTensor e = c.params().get(i);
            assertThat(a.name()).isEqualTo(e.name());
            assertThat(a.shape()).isEqualTo(e.shape());
            assertThat(rawBits(a.values())).as(e.name()).isEqualTo(rawBits(e.values()));
        }
    }

    private static int[] rawBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    private static List<String> encodings(byte[] bytes) {
        List<String> out = new ArrayList<>();
        header(bytes).get("tensors").forEach(t -> out.add(t.get("encoding").asText()));
        return out;
    }

    private static JsonNode header(byte[] bytes) {
        int h = ByteBuffer.wrap(bytes).getInt(18);
        try {
            return JSON.readTree(Arrays.copyOfRange(bytes, PREAMBLE, PREAMBLE + h));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Rebuilds a file around an edited header: new lengths, same sections, a valid hash. */
    private static byte[] withHeader(byte[] bytes, UnaryOperator<String> edit) {
        int h = ByteBuffer.wrap(bytes).getInt(18);
        byte[] header = edit.apply(new String(bytes, PREAMBLE, h, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        byte[] rest = Arrays.copyOfRange(bytes, PREAMBLE + h, bytes.length);
        ByteBuffer out = ByteBuffer.allocate(PREAMBLE + header.length + rest.length);
        out.put(bytes, 0, 10).putLong(out.capacity()).putInt(header.length).put(header).put(rest);
        return rehash(out.array());
    }

    /** Recomputes the trailer, so a test can prove the reader checks more than the hash. */
    private static byte[] rehash(byte[] bytes) {
        try {
            byte[] out = bytes.clone();
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(out, out.length - 32));
            System.arraycopy(d, 0, out, out.length - 32, 32);
            return out;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
