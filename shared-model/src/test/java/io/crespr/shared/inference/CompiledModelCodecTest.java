package io.crespr.shared.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled model files: a round trip runs bit for bit like the fresh plan; damaged files are refused. */
class CompiledModelCodecTest {

    private static byte[] checkpointBytes;
    private static Checkpoint crespr;
    private static Dataset test;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = CompiledModelCodecTest.class.getResourceAsStream("/inference/crespr-lenet300-099.ckpt")) {
            checkpointBytes = in.readAllBytes();
        }
        crespr = CheckpointCodec.fromBytes(checkpointBytes);
        test = Datasets.load(Datasets.MNIST_MINI, null, crespr.provenance().seed()).test();
    }

    private static SparseModel compile(PlanKind kind, int batch) {
        return SparseModel.compile(crespr, new SparseModel.Options(kind, batch, CostModel.NOMINAL));
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static void assertSameOutputs(SparseModel fresh, SparseModel read) {
        int d = test.featureCount();
        assertThat(bits(read.output(test.features(), test.size(), d)))
                .isEqualTo(bits(fresh.output(test.features(), test.size(), d)));
        float[] part = Arrays.copyOfRange(test.features(), 0, 70 * d);
        assertThat(bits(read.output(part, 70, d))).isEqualTo(bits(fresh.output(part, 70, d)));
        for (int s : new int[] {0, 17, test.size() - 1}) {
            float[] one = Arrays.copyOfRange(test.features(), s * d, (s + 1) * d);
            assertThat(bits(read.output(one, 1, d))).isEqualTo(bits(fresh.output(one, 1, d)));
        }
    }

    @Test
    void everyKindRoundTripsBitForBitOnTheTestImages() throws Exception {
        for (PlanKind kind : new PlanKind[] {PlanKind.CSR, PlanKind.DENSE, PlanKind.BLOCK, null}) {
            SparseModel fresh = compile(kind, 256);
            Path file = dir.resolve("m-" + kind + ".cspm");
            CompiledModelCodec.save(fresh, file);
            SparseModel read = CompiledModelCodec.load(file);
            assertThat(read.describe()).isEqualTo(fresh.describe());
            assertThat(read.layers()).allSatisfy(l -> assertThat(l.kind()).isEqualTo(
                    fresh.layers().get(read.layers().indexOf(l)).kind()));
            if (kind != null) {
                assertThat(read.layers()).allSatisfy(l -> assertThat(l.kind()).isEqualTo(kind));
            }
            assertThat(read.architecture()).isEqualTo("lenet-300-100");
            assertThat(read.inputWidth()).isEqualTo(784);
            assertThat(read.sourceSha256()).isEqualTo(CheckpointCodec.sha256(checkpointBytes));
            assertThat(read.seed()).isEqualTo(crespr.provenance().seed());
            assertThat(read.batch()).isEqualTo(256);
            assertSameOutputs(fresh, read);
            // Deterministic: encoding what was read gives the same file.
            assertThat(CompiledModelCodec.toBytes(read)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void lenet5RoundTripsBitForBitInEveryKind() throws Exception {
        Checkpoint lenet5;
        try (InputStream in = CompiledModelCodecTest.class.getResourceAsStream("/inference/crespr-lenet5-099.ckpt")) {
            lenet5 = CheckpointCodec.read(in);
        }
        for (PlanKind kind : new PlanKind[] {PlanKind.CSR, PlanKind.DENSE, PlanKind.BLOCK, null}) {
            SparseModel fresh = SparseModel.compile(lenet5, new SparseModel.Options(kind, 32, CostModel.NOMINAL));
            byte[] bytes = CompiledModelCodec.toBytes(fresh);
            SparseModel read = CompiledModelCodec.fromBytes(bytes);
            assertThat(read.describe()).isEqualTo(fresh.describe());
            assertThat(read.layers().get(1).conv()).isEqualTo(fresh.layers().get(1).conv());
            assertThat(read.architecture()).isEqualTo("lenet-5");
            assertThat(read.tile()).isEqualTo(fresh.tile());
            assertSameOutputs(fresh, read);
            assertThat(CompiledModelCodec.toBytes(read)).isEqualTo(bytes);
        }
        // A convolution whose geometry does not fit its kernel matrix is refused, even with a valid hash.
        SparseModel fresh = SparseModel.compile(lenet5, new SparseModel.Options(PlanKind.CSR, 1, CostModel.NOMINAL));
        java.util.List<SparseModel.Layer> layers = new java.util.ArrayList<>(fresh.layers());
        SparseModel.Layer l0 = layers.get(0);
        layers.set(0, new SparseModel.Layer(l0.index(), l0.in(), l0.out(), l0.nnz(), l0.kind(), l0.estimates(),
                l0.reason(), l0.activation(), l0.bias(), l0.kernel(), new Kernels.Conv(1, 28, 28, 4, 2)));
        byte[] wrong = CompiledModelCodec.toBytes(new SparseModel("lenet-5", layers, fresh.sourceSha256(), 1, 1));
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(wrong)).isInstanceOf(InvalidInputException.class)
                .hasMessage("compiled model corrupt: convolution 0 has 1x4x4 taps, its kernel matrix 25 rows");
    }

    @Test
    void damagedOrForeignFilesAreRefusedWithTheirReason() {
        byte[] good = CompiledModelCodec.toBytes(compile(PlanKind.CSR, 1));

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x01;
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(flipped)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("compiled model corrupt: SHA-256 mismatch (stored ");

        byte[] version = good.clone();
        version[9] = 7;
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(version)).isInstanceOf(InvalidInputException.class)
                .hasMessage("unsupported compiled model format version 7 (this build reads 2; compile the checkpoint again "
                        + "with ./crespr infer --model FILE.ckpt --compile OUT.cspm)");

        byte[] truncated = Arrays.copyOf(good, good.length - 100);
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(truncated)).isInstanceOf(InvalidInputException.class)
                .hasMessage("compiled model truncated: " + truncated.length + " of " + good.length + " bytes");
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(Arrays.copyOf(good, 12)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("compiled model truncated: 12 bytes, shorter than its 18-byte preamble");
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(Arrays.copyOf(good, 5)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("compiled model truncated: 5 bytes");
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(longer)).isInstanceOf(InvalidInputException.class)
                .hasMessage("compiled model has 3 trailing bytes after its " + good.length + " declared bytes");

        byte[] random = new byte[4096];
        new SplittableRandom(5).nextBytes(random);
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(random)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("not a CRESPR compiled model (bad magic ");
        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(new byte[0])).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("compiled model truncated: 0 bytes");

        assertThatThrownBy(() -> CompiledModelCodec.fromBytes(checkpointBytes)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("this is a CRESPR checkpoint, not a compiled model");
        assertThat(CompiledModelCodec.isCheckpoint(checkpointBytes)).isTrue();
        assertThat(CompiledModelCodec.isCompiledModel(checkpointBytes)).isFalse();
        assertThat(CompiledModelCodec.isCompiledModel(good)).isTrue();
    }

    @Test
    void aMissingFileAndAWrongInputWidthAreRefused() throws Exception {
        Path missing = dir.resolve("none.cspm");
        assertThatThrownBy(() -> CompiledModelCodec.load(missing)).isInstanceOf(InvalidInputException.class)
                .hasMessage("model file not found: " + missing);
        Path junk = dir.resolve("junk.cspm");
        Files.write(junk, "hello, world".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> CompiledModelCodec.load(junk)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(junk + ": not a CRESPR compiled model (bad magic ");

        SparseModel read = CompiledModelCodec.fromBytes(CompiledModelCodec.toBytes(compile(PlanKind.BLOCK, 1)));
        assertThatThrownBy(() -> read.output(new float[100], 1, 100)).isInstanceOf(InvalidInputException.class)
                .hasMessage("input has width 100, the model (lenet-300-100) takes 784 features per sample");
    }
}
