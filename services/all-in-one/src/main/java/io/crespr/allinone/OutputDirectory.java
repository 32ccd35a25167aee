package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an output directory before any work starts, so a bad --out fails in a second, not after training. */
final class OutputDirectory {

    private OutputDirectory() {
    }

    static void check(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException("--out " + out + " exists and is not a directory");
        }
        Path existing = out.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new InvalidInputException("--out " + out + " cannot be created: " + existing + " is not a writable directory");
        }
    }
}
