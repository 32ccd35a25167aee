package io.crespr.allinone.ops;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The external tools the deployment tests run ({@code yamllint}, {@code promtool},
 * {@code docker-compose}) and the repository's deployment files. A missing tool fails the test
 * that needs it, with the Debian package to install: {@code scripts/install-ops-tools} installs
 * all three.
 */
public final class OpsTools {

    /** Tool name to the Debian package that ships it. */
    static final Map<String, String> PACKAGES = Map.of(
            "yamllint", "yamllint",
            "promtool", "prometheus",
            "docker-compose", "docker-compose");

    private static final long TIMEOUT_SECONDS = 120;

    private OpsTools() {
    }

    /** The output and exit status of a finished tool. */
    public record Result(List<String> command, int exitCode, String output) {

        /** The command and everything it printed, for an assertion's message. */
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    /** The repository's root: the nearest directory above the working directory that holds the chart. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("deploy/helm/crespr-stream/Chart.yaml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no deploy/helm/crespr-stream/Chart.yaml above " + dir);
    }

    /** The chart's directory. */
    public static Path chart() {
        return repoRoot().resolve("deploy/helm/crespr-stream");
    }

    /**
     * The tool's executable on {@code PATH}; fails (an {@link AssertionError}, not a skipped test)
     * when it is not there, naming the package that brings it.
     */
    public static Path require(String tool) {
        return require(tool, System.getenv("PATH"));
    }

    static Path require(String tool, String path) {
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, tool);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String pkg = PACKAGES.getOrDefault(tool, tool);
        throw new AssertionError(tool + " is not on PATH: install the Debian package " + pkg
                + " (apt-get install " + pkg + "); scripts/install-ops-tools installs yamllint, promtool "
                + "and docker-compose, which the deployment tests need.");
    }

    /** Runs the tool (found on {@code PATH}) with these arguments in the repository's root. */
    public static Result run(String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(require(tool).toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile()).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " ran longer than " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(command), p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
