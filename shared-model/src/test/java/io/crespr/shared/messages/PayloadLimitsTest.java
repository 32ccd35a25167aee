package io.crespr.shared.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a record announces makes a reader allocate more than the payload limit, and nothing
 * half-written or altered in the store is read as a payload.
 */
class PayloadLimitsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    private CheckpointTransport transport(long maxPayloadBytes) {
        return new CheckpointTransport(new FileCheckpointStore(root), 64 * 1024, KafkaLimits.defaults(), maxPayloadBytes);
    }

    /**
     * A zstd frame of RLE blocks (4 bytes per 128 KiB of zeros) that announces {@code size} bytes:
     * 32 KiB of it expand to 1 GiB.
     */
    static byte[] zstdBomb(long size) {
        int block = 128 * 1024;
        long blocks = (size + block - 1) / block;
        ByteBuffer b = ByteBuffer.allocate((int) (4 + 1 + 1 + 8 + 4 * blocks)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xFD2FB528); // magic
        b.put((byte) 0xC0); // 8-byte content size, not single-segment, no checksum, no dictionary
        b.put((byte) (7 << 3)); // window 128 KiB
        b.putLong(size);
        for (long i = 0; i < blocks; i++) {
            long n = Math.min(block, size - i * block);
            int header = (int) (n << 3) | (1 << 1) | (i == blocks - 1 ? 1 : 0); // RLE block of n bytes
            b.put((byte) header).put((byte) (header >>> 8)).put((byte) (header >>> 16));
            b.put((byte) 0);
        }
        return b.array();
    }

    @Test
    void aZstdBombIsRefusedBeforeItIsExpanded() {
        // the frame is real zstd: a small one expands to what it announces
        byte[] small = zstdBomb(MIB);
        assertThat(Zstd.decompress(small, (int) MIB)).hasSize((int) MIB).containsOnly((byte) 0);

        byte[] bomb = zstdBomb(1024 * MIB);
        assertThat(bomb.length).isLessThan(40_000);
        String data = Base64.getEncoder().encodeToString(bomb);
        // announcing what it holds: over the limit, refused without decompressing
        PayloadRef honest = new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.INLINE, 1024 * MIB, "0".repeat(64), data,
                null);
        assertThatThrownBy(() -> transport(16 * MIB).get(honest, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.OVERSIZED_PAYLOAD))
                .hasMessage("crespr-checkpoint of 1073741824 bytes exceeds the payload limit of 16777216 bytes "
                        + "(crespr.max-payload-bytes)");
        // announcing less than it holds: refused before decompressing too
        PayloadRef lying = new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.INLINE, 100, "0".repeat(64), data, null);
        assertThatThrownBy(() -> transport(16 * MIB).get(lying, PayloadRef.CHECKPOINT))
                .isInstanceOf(BadEventException.class)
                .hasMessage("inline crespr-checkpoint does not decompress to its announced 100 bytes (it holds 1073741824)");
    }

    @Test
    void aStoredPayloadIsReadOnlyFromAPlainFileWithinTheLimit() throws Exception {
        CheckpointTransport t = transport(MIB);
        byte[] payload = new byte[2000];
        new Random(2).nextBytes(payload);
        String sha = CheckpointCodec.sha256(payload);

        // a device that never ends, a directory: not read at all
        for (Path notAFile : new Path[] {Path.of("/dev/zero"), Files.createDirectories(root.resolve("a-dir"))}) {
            PayloadRef ref = new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.STORE, 2000, sha, null,
                    notAFile.toUri().toString());
            assertThatThrownBy(() -> t.get(ref, PayloadRef.CHECKPOINT))
                    .isInstanceOfSatisfying(BadEventException.class,
                            e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.MISSING_CHECKPOINT))
                    .hasMessageStartingWith("checkpoint is not a plain file: file:");
        }
        // a file longer than the limit, whatever the event says
        Path big = Files.write(root.resolve("big.bin"), new byte[(int) MIB + 1]);
        PayloadRef bigRef = new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.STORE, 2000, sha, null,
                big.toUri().toString());
        assertThatThrownBy(() -> t.get(bigRef, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.OVERSIZED_PAYLOAD))
                .hasMessageEndingWith("holds 1048577 bytes, more than the 1048576 this service reads "
                        + "(crespr.max-payload-bytes)");
        // an event that announces more than the limit
        PayloadRef huge = new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.STORE, 5 * MIB, sha, null,
                big.toUri().toString());
        assertThatThrownBy(() -> t.get(huge, PayloadRef.CHECKPOINT)).hasMessageContaining("exceeds the payload limit");
        // and nothing larger than the limit is written either
        assertThatThrownBy(() -> t.put("job", PayloadRef.CHECKPOINT, new byte[(int) MIB + 1]))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("exceeds the payload limit of 1048576");
    }

    @Test
    void aTruncatedOrPartlyOverwrittenStoreFileIsRejectedByItsHash() throws Exception {
        CheckpointTransport t = transport(MIB);
        byte[] payload = new byte[100_000];
        new Random(3).nextBytes(payload);
        PayloadRef stored = t.putInStore("job-t", PayloadRef.CHECKPOINT, payload);
        Path file = Path.of(java.net.URI.create(stored.uri()));

        // cut short, as a copy interrupted half-way would leave it
        Files.write(file, Arrays.copyOf(payload, 40_000));
        assertThatThrownBy(() -> t.get(stored, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH))
                .hasMessageContaining("does not match its reference: 40000 bytes");
        // full length, but its tail zeros (blocks allocated and never written)
        byte[] zeroTail = payload.clone();
        Arrays.fill(zeroTail, 60_000, zeroTail.length, (byte) 0);
        Files.write(file, zeroTail);
        assertThatThrownBy(() -> t.get(stored, PayloadRef.CHECKPOINT))
                .hasMessageContaining("does not match its reference: 100000 bytes with SHA-256 "
                        + CheckpointCodec.sha256(zeroTail));
        // writing the same payload again repairs the file instead of trusting its name and length
        assertThat(t.putInStore("job-t", PayloadRef.CHECKPOINT, payload)).isEqualTo(stored);
        assertThat(t.get(stored, PayloadRef.CHECKPOINT)).isEqualTo(payload);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(file.getFileName().toString());
        }
    }

    @Test
    void aStoreThatCannotBeWrittenFailsTheWriteAndLeavesNothingBehind() throws Exception {
        // the store's root is a regular file: the directory of a job cannot be made
        Path notADirectory = Files.writeString(root.resolve("store"), "a file, not a directory");
        CheckpointTransport t = new CheckpointTransport(new FileCheckpointStore(notADirectory), 0, KafkaLimits.defaults());
        assertThatThrownBy(() -> t.put("job-w", PayloadRef.CHECKPOINT, new byte[5000]))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write crespr-checkpoint of job job-w to the checkpoint store " + notADirectory);
        assertThat(Files.readString(notADirectory)).isEqualTo("a file, not a directory");
    }

    @Test
    void aSparseCheckpointThatDeclaresBillionsOfValuesIsRefusedBeforeItIsAllocated() {
        // a real checkpoint whose one masked tensor keeps a single value: stored SPARSE
        Checkpoint c = Checkpoints.init(Architecture.parse("mlp:4"), new Networks.Io(new int[] {3}, 2), "x", 1);
        Map<String, Mask> masks = new LinkedHashMap<>();
        ParamTensor w = c.weights().get(0);
        boolean[] keep = new boolean[w.size()];
        keep[0] = true;
        masks.put(w.name(), new Mask(w.name(), keep));
        byte[] bytes = CheckpointCodec.toBytes(Checkpoints.applyMasks(c, masks, c.provenance()));
        // the same bytes, its header claiming a billion values for that tensor (hash recomputed)
        byte[] bomb = withShape(bytes, w.name(), "[1000000000]");
        assertThatThrownBy(() -> transport(16 * MIB).decodeCheckpoint(bomb)).isInstanceOf(InvalidInputException.class)
                .hasMessage("checkpoint too large: its tensors hold more than 4194304 values (tensor " + w.name()
                        + " [1000000000])");
        assertThat(transport(16 * MIB).decodeCheckpoint(bytes).params()).hasSameSizeAs(c.params());
    }

    /** Rewrites a checkpoint's header so one tensor has another shape; length fields and SHA-256 made to fit. */
    private static byte[] withShape(byte[] b, String tensor, String shape) {
        ByteBuffer in = ByteBuffer.wrap(b);
        int headerLength = in.getInt(18);
        String header = new String(b, 22, headerLength, StandardCharsets.UTF_8);
        int at = header.indexOf("\"name\":\"" + tensor + "\"");
        int from = header.indexOf("\"shape\":", at) + "\"shape\":".length();
        int to = header.indexOf(']', from) + 1;
        byte[] h = (header.substring(0, from) + shape + header.substring(to)).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, 10);
        long length = b.length - headerLength + h.length;
        out.writeBytes(ByteBuffer.allocate(12).putLong(length).putInt(h.length).array());
        out.writeBytes(h);
        out.write(b, 22 + headerLength, b.length - 32 - 22 - headerLength);
        byte[] body = out.toByteArray();
        byte[] sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.writeBytes(sha);
        return out.toByteArray();
    }
}
