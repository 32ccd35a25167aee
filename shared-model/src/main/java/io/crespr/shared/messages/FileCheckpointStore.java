package io.crespr.shared.messages;

import io.crespr.shared.model.CheckpointCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A checkpoint store on a filesystem: {@code <root>/<job id>/<sha256>.<format>}, written to a
 * temporary name, forced to disk and renamed into place, so a reader never sees part of a
 * payload, even after a crash or a full disk. Several processes share it through a shared
 * volume. It reads any {@code file:} URI of a plain file, so a retrained model may be published
 * from anywhere the services can read; the reader checks length and SHA-256 against the event
 * that names it ({@link CheckpointTransport}).
 */
public final class FileCheckpointStore implements CheckpointStore {

    private final Path root;

    public FileCheckpointStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public URI put(String jobId, String sha256, String format, byte[] bytes) {
        Path dir = root.resolve(JobIds.check(jobId));
        Path file = dir.resolve(sha256 + "." + format);
        try {
            Files.createDirectories(dir);
            if (intact(file, sha256, bytes.length)) {
                return file.toUri();
            }
            // On disk before the event that names it can be committed.
            io.crespr.shared.report.AtomicFiles.writeDurably(file, bytes);
            return file.toUri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + format + " of job " + jobId + " to the checkpoint store "
                    + root + ": " + e, e);
        }
    }

    /** Whether a payload of that name is already there, whole (same length and hash): the same bytes are kept once. */
    private static boolean intact(Path file, String sha256, long length) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != length) {
            return false;
        }
        return CheckpointCodec.sha256(Files.readAllBytes(file)).equals(sha256);
    }

    @Override
    public byte[] get(URI uri, long maxBytes) {
        if (!"file".equals(uri.getScheme())) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "the filesystem checkpoint store "
                    + "reads file: URIs only, got " + uri);
        }
        Path file;
        try {
            file = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "not a file URI: " + uri, e);
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                // a directory, a device such as /dev/zero, a pipe: nothing a store writes
                throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "checkpoint is not a plain "
                        + "file: " + uri);
            }
            if (a.size() > maxBytes) {
                throw new BadEventException(BadEventException.Problem.OVERSIZED_PAYLOAD, uri + " holds " + a.size()
                        + " bytes, more than the " + maxBytes + " this service reads (crespr.max-payload-bytes)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                // never more than the limit, even if the file grows while it is read
                byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
                if (bytes.length > maxBytes) {
                    throw new BadEventException(BadEventException.Problem.OVERSIZED_PAYLOAD, uri + " holds more than "
                            + maxBytes + " bytes (crespr.max-payload-bytes)");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "checkpoint not found: " + uri, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + " from the checkpoint store: " + e, e);
        }
    }
}
