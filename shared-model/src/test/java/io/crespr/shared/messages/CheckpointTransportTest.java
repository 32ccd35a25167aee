package io.crespr.shared.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.spi.Saliency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTransportTest {

    @TempDir
    Path root;

    private static byte[] noise(int n) {
        byte[] b = new byte[n];
        new Random(1).nextBytes(b);
        return b;
    }

    private CheckpointTransport transport(int limit) {
        return new CheckpointTransport(new FileCheckpointStore(root), limit, KafkaLimits.defaults());
    }

    @Test
    void smallPayloadsTravelInlineAndLargeOnesByClaimCheck() throws Exception {
        CheckpointTransport t = transport(1000);
        byte[] small = new byte[5000]; // zeros compress to a few bytes
        PayloadRef inline = t.put("job-1", PayloadRef.CHECKPOINT, small);
        assertThat(inline.inline()).isTrue();
        assertThat(inline.bytes()).isEqualTo(5000);
        assertThat(t.get(inline, PayloadRef.CHECKPOINT)).isEqualTo(small);

        byte[] big = noise(5000);
        PayloadRef stored = t.put("job-1", PayloadRef.CHECKPOINT, big);
        assertThat(stored.inline()).isFalse();
        assertThat(Path.of(java.net.URI.create(stored.uri()))).startsWith(root.resolve("job-1"));
        assertThat(t.get(stored, PayloadRef.CHECKPOINT)).isEqualTo(big);
    }

    @Test
    void aMissingOrAlteredPayloadIsRefused() throws Exception {
        CheckpointTransport t = transport(0);
        PayloadRef stored = t.put("job-2", PayloadRef.CHECKPOINT, noise(100));
        Path file = Path.of(java.net.URI.create(stored.uri()));
        Files.write(file, noise(99));
        assertThatThrownBy(() -> t.get(stored, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH))
                .hasMessageContaining("does not match its reference: 99 bytes");
        Files.delete(file);
        assertThatThrownBy(() -> t.get(stored, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.MISSING_CHECKPOINT))
                .hasMessageStartingWith("checkpoint not found: file:");
    }

    @Test
    void anInlinePayloadOverTheLimitIsRefusedEvenWithTheRightHash() {
        byte[] payload = noise(3000);
        PayloadRef sent = transport(10_000).put("job-3", PayloadRef.CHECKPOINT, payload);
        assertThat(sent.inline()).isTrue();
        assertThatThrownBy(() -> transport(1000).get(sent, PayloadRef.CHECKPOINT))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.OVERSIZED_INLINE_CHECKPOINT))
                .hasMessageMatching("inline crespr-checkpoint of \\d+ compressed bytes exceeds the inline limit of 1000 "
                        + "bytes; larger payloads go through the checkpoint store");
        PayloadRef lying = new PayloadRef(sent.format(), sent.encoding(), 3000, "0".repeat(64), sent.data(), null);
        assertThatThrownBy(() -> transport(10_000).get(lying, PayloadRef.CHECKPOINT))
                .hasMessageContaining("does not match its reference");
        PayloadRef bomb = new PayloadRef(sent.format(), sent.encoding(), 10, sent.sha256(), sent.data(), null);
        assertThatThrownBy(() -> transport(10_000).get(bomb, PayloadRef.CHECKPOINT))
                .hasMessageContaining("does not decompress to its announced 10 bytes (it holds 3000)");
        PayloadRef garbage = new PayloadRef(sent.format(), sent.encoding(), 3000, sent.sha256(),
                Base64.getEncoder().encodeToString(noise(50)), null);
        assertThatThrownBy(() -> transport(10_000).get(garbage, PayloadRef.CHECKPOINT))
                .isInstanceOf(BadEventException.class);
    }

    @Test
    void theInlineLimitMustFitTheKafkaLimit() {
        assertThatThrownBy(() -> new CheckpointTransport(new FileCheckpointStore(root), 7_000_000, KafkaLimits.defaults()))
                .hasMessageStartingWith("the inline checkpoint limit must be in [0, 5898240] bytes");
    }

    @Test
    void aSaliencyRoundTripsExactly() {
        Saliency s = new Saliency("obs", Map.of("1_W", new float[] {-0f, 1.5f, Float.MIN_VALUE},
                "0_W", new float[] {3f}));
        Saliency back = SaliencyCodec.fromBytes(SaliencyCodec.toBytes(s));
        assertThat(back.scorer()).isEqualTo("obs");
        assertThat(back.values()).containsOnlyKeys("0_W", "1_W");
        assertThat(back.values().get("1_W")).containsExactly(-0f, 1.5f, Float.MIN_VALUE);
        assertThatThrownBy(() -> SaliencyCodec.fromBytes(new byte[] {1, 2, 3}))
                .hasMessage("not a CRESPR saliency (bad magic)");
    }
}
