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
 */
public final class CheckpointTransport {

    /** 1 MiB: a dense LeNet-300-100 (1.07 MB raw) travels inline, LeNet-5 (1.7 MB) by claim check. */
    public static final int DEFAULT_INLINE_LIMIT = 1024 * 1024;

    private final CheckpointStore store;
    private final int inlineLimit;

    /**
     * @param store       where large payloads go
     * @param inlineLimit largest compressed payload sent inline, in bytes; 0 sends everything to the store
     * @param limits      the Kafka size limit the inline payload must fit in
     */
    public CheckpointTransport(CheckpointStore store, int inlineLimit, KafkaLimits limits) {
        if (inlineLimit < 0 || inlineLimit > limits.largestInlinePayload()) {
            throw new InvalidInputException("the inline checkpoint limit must be in [0, " + limits.largestInlinePayload()
                    + "] bytes for Kafka messages of at most " + limits.maxMessageBytes() + " bytes, got " + inlineLimit);
        }
        this.store = store;
        this.inlineLimit = inlineLimit;
    }

    public int inlineLimit() {
        return inlineLimit;
    }

    /** Sends a payload inline when its compressed form fits the limit, else through the store. */
    public PayloadRef put(String jobId, String format, byte[] payload) {
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
            payload = store.get(uri);
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
        return CheckpointCodec.fromBytes(get(ref, PayloadRef.CHECKPOINT));
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
