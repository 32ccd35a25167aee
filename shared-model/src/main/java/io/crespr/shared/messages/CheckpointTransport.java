package io.crespr.shared.messages;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.spi.Saliency;
import java.net.URI;
import java.util.Base64;

/**
 * Moves binary payloads between stages: a payload whose zstd-compressed form is at most
 * {@code inlineLimit} bytes travels inline in the event (base64); a larger one goes to the
 * {@link CheckpointStore} and the event carries its URI and SHA-256 (claim check). Reading
 * checks, whichever way it came: an inline payload is within the limit
 * ({@code OVERSIZED_INLINE_CHECKPOINT}), a stored one exists ({@code MISSING_CHECKPOINT}), and
 * the bytes have the announced length and SHA-256 ({@code CHECKPOINT_HASH_MISMATCH}).
 *
 * <p>Nothing in an event can make a reader allocate more than {@code maxPayloadBytes}: a payload
 * that announces more, an inline zstd frame that would expand to more (a compression bomb of a
 * few bytes), a stored file that is longer, and a checkpoint whose tensors would decode to more
 * than that many bytes of values are all refused ({@code OVERSIZED_PAYLOAD}) before anything of
 * that size is allocated.
 */
public final class CheckpointTransport {

    /** 1 MiB: a dense LeNet-300-100 (1.07 MB raw) travels inline, LeNet-5 (1.7 MB) by claim check. */
    public static final int DEFAULT_INLINE_LIMIT = 1024 * 1024;

    /**
     * 512 MiB: the largest payload (decompressed) and the largest decoded checkpoint a stage
     * reads or writes. LeNet-5 is 1.7 MB; a model of 100 million float weights is 400 MB.
     */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 512L * 1024 * 1024;

    private final CheckpointStore store;
    private final int inlineLimit;
    private final long maxPayloadBytes;

    /** As {@link #CheckpointTransport(CheckpointStore, int, KafkaLimits, long)} with the default payload limit. */
    public CheckpointTransport(CheckpointStore store, int inlineLimit, KafkaLimits limits) {
        this(store, inlineLimit, limits, DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * @param store           where large payloads go
     * @param inlineLimit     largest compressed payload sent inline, in bytes; 0 sends everything to the store
     * @param limits          the Kafka size limit the inline payload must fit in
     * @param maxPayloadBytes largest payload, decompressed, and largest decoded checkpoint, in bytes
     */
    public CheckpointTransport(CheckpointStore store, int inlineLimit, KafkaLimits limits, long maxPayloadBytes) {
        if (inlineLimit < 0 || inlineLimit > limits.largestInlinePayload()) {
            throw new InvalidInputException("the inline checkpoint limit must be in [0, " + limits.largestInlinePayload()
                    + "] bytes for Kafka messages of at most " + limits.maxMessageBytes() + " bytes, got " + inlineLimit);
        }
        if (maxPayloadBytes < 1024 * 1024 || maxPayloadBytes > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("the payload limit must be in [1 MiB, " + (Integer.MAX_VALUE - 8)
                    + "] bytes, got " + maxPayloadBytes);
        }
        this.store = store;
        this.inlineLimit = inlineLimit;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public int inlineLimit() {
        return inlineLimit;
    }

    public long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Sends a payload inline when its compressed form fits the limit, else through the store. */
    public PayloadRef put(String jobId, String format, byte[] payload) {
        checkSize(payload, format);
        String sha = CheckpointCodec.sha256(payload);
        if (inlineLimit > 0) {
            byte[] compressed = compress(payload, inlineLimit);
            if (compressed != null) {
                return new PayloadRef(format, PayloadRef.INLINE, payload.length, sha,
                        Base64.getEncoder().encodeToString(compressed), null);
            }
        }
        return new PayloadRef(format, PayloadRef.STORE, payload.length, sha, null,
                store.put(jobId, sha, format, payload).toString());
    }

    /** Always through the store (for payloads that outlive the event, such as the dense model of a job). */
    public PayloadRef putInStore(String jobId, String format, byte[] payload) {
        checkSize(payload, format);
        String sha = CheckpointCodec.sha256(payload);
        return new PayloadRef(format, PayloadRef.STORE, payload.length, sha, null,
                store.put(jobId, sha, format, payload).toString());
    }

    /** The payload, checked; see the class comment. */
    public byte[] get(PayloadRef ref, String expectedFormat) {
        if (!ref.format().equals(expectedFormat)) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "expected a " + expectedFormat
                    + " payload, got " + ref.format());
        }
        if (ref.bytes() > maxPayloadBytes) {
            throw new BadEventException(BadEventException.Problem.OVERSIZED_PAYLOAD, ref.format() + " of " + ref.bytes()
                    + " bytes exceeds the payload limit of " + maxPayloadBytes + " bytes (crespr.max-payload-bytes)");
        }
        byte[] payload;
        if (ref.inline()) {
            byte[] compressed;
            try {
                compressed = Base64.getDecoder().decode(ref.data());
            } catch (IllegalArgumentException e) {
                throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "inline " + ref.format()
                        + " is not base64: " + e.getMessage(), e);
            }
            if (compressed.length > inlineLimit) {
                throw new BadEventException(BadEventException.Problem.OVERSIZED_INLINE_CHECKPOINT, "inline " + ref.format()
                        + " of " + compressed.length + " compressed bytes exceeds the inline limit of " + inlineLimit
                        + " bytes; larger payloads go through the checkpoint store");
            }
            payload = decompress(compressed, ref);
        } else {
            URI uri;
            try {
                uri = URI.create(ref.uri());
            } catch (IllegalArgumentException e) {
                throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, ref.format()
                        + " reference is not a URI: " + ref.uri(), e);
            }
            payload = store.get(uri, maxPayloadBytes);
        }
        String sha = CheckpointCodec.sha256(payload);
        if (payload.length != ref.bytes() || !sha.equals(ref.sha256())) {
            throw new BadEventException(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH, ref.format() + " "
                    + (ref.inline() ? "sent inline" : ref.uri()) + " does not match its reference: " + payload.length
                    + " bytes with SHA-256 " + sha + ", expected " + ref.bytes() + " bytes with SHA-256 " + ref.sha256());
        }
        return payload;
    }

    public PayloadRef putCheckpoint(String jobId, Checkpoint c) {
        return put(jobId, PayloadRef.CHECKPOINT, CheckpointCodec.toBytes(c));
    }

    public Checkpoint checkpoint(PayloadRef ref) {
        return decodeCheckpoint(get(ref, PayloadRef.CHECKPOINT));
    }

    /**
     * Decodes a checkpoint payload, refusing one whose tensors would take more than
     * {@code maxPayloadBytes} once decoded (a sparse tensor of a few bytes can declare billions of
     * values).
     */
    public Checkpoint decodeCheckpoint(byte[] payload) {
        return CheckpointCodec.fromBytes(payload, maxPayloadBytes / Float.BYTES);
    }

    private void checkSize(byte[] payload, String format) {
        if (payload.length > maxPayloadBytes) {
            throw new InvalidInputException(format + " of " + payload.length + " bytes exceeds the payload limit of "
                    + maxPayloadBytes + " bytes (crespr.max-payload-bytes)");
        }
    }

    public PayloadRef putSaliency(String jobId, Saliency s) {
        return put(jobId, PayloadRef.SALIENCY, SaliencyCodec.toBytes(s));
    }

    public Saliency saliency(PayloadRef ref) {
        return SaliencyCodec.fromBytes(get(ref, PayloadRef.SALIENCY));
    }

    /** The compressed bytes, or null when they would exceed {@code limit}. */
    static byte[] compress(byte[] payload, int limit) {
        // Level 1: float weights hardly compress at any level; the indices of sparse tensors do at every level.
        byte[] z = Zstd.compress(payload, 1);
        return z.length > limit ? null : z;
    }

    private static byte[] decompress(byte[] compressed, PayloadRef ref) {
        long size;
        try {
            size = Zstd.getFrameContentSize(compressed);
        } catch (RuntimeException e) {
            size = -1;
        }
        // Never more than announced: a corrupt or hostile record cannot make us allocate more.
        if (size != ref.bytes()) {
            throw new BadEventException(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH, "inline " + ref.format()
                    + " does not decompress to its announced " + ref.bytes() + " bytes"
                    + (size >= 0 ? " (it holds " + size + ")" : " (not a zstd frame)"));
        }
        try {
            byte[] out = Zstd.decompress(compressed, (int) size);
            if (out.length != size) {
                throw new BadEventException(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH, "inline " + ref.format()
                        + " does not decompress to its announced " + ref.bytes() + " bytes");
            }
            return out;
        } catch (ZstdException e) {
            throw new BadEventException(BadEventException.Problem.CHECKPOINT_HASH_MISMATCH, "inline " + ref.format()
                    + " is not valid zstd data: " + e.getMessage(), e);
        }
    }
}
