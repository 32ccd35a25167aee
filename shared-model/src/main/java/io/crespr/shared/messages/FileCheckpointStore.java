package io.crespr.shared.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A checkpoint store on a filesystem: {@code <root>/<job id>/<sha256>.<format>}, written to a
 * temporary name and renamed into place, so a reader never sees part of a payload. Several
 * processes share it through a shared volume. It reads any {@code file:} URI, so a retrained
 * model may be published from anywhere the services can read.
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
            if (Files.exists(file) && Files.size(file) == bytes.length) {
                return file.toUri();
            }
            Path tmp = dir.resolve("." + sha256 + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file.toUri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + format + " of job " + jobId + " to the checkpoint store "
                    + root + ": " + e, e);
        }
    }

    @Override
    public byte[] get(URI uri) {
        if (!"file".equals(uri.getScheme())) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "the filesystem checkpoint store "
                    + "reads file: URIs only, got " + uri);
        }
        try {
            return Files.readAllBytes(Path.of(uri));
        } catch (NoSuchFileException e) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "checkpoint not found: " + uri, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + " from the checkpoint store: " + e, e);
        }
    }
}
