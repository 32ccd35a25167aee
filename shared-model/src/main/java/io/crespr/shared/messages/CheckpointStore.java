package io.crespr.shared.messages;

import java.net.URI;

/**
 * Where payloads too large to travel inline are kept (the claim-check store): a filesystem by
 * default ({@link FileCheckpointStore}), a shared volume or an object store in a cluster.
 */
public interface CheckpointStore {

    /**
     * Keeps a payload and returns where it is.
     *
     * @param jobId  the job it belongs to
     * @param sha256 its hash, which names it (the same bytes are kept once)
     * @param format its {@link PayloadRef} format
     */
    URI put(String jobId, String sha256, String format, byte[] bytes);

    /**
     * The payload at {@code uri}, read only when it is at most {@code maxBytes} long.
     *
     * @throws BadEventException {@code MISSING_CHECKPOINT} when there is none, or it is not a
     *         plain file; {@code OVERSIZED_PAYLOAD} when it is longer than {@code maxBytes}
     * @throws java.io.UncheckedIOException when the store cannot be read (the record is retried)
     */
    byte[] get(URI uri, long maxBytes);
}
