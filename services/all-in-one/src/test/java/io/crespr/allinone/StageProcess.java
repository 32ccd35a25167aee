package io.crespr.allinone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One stage service in a child JVM, started through its own main class as a deployment starts
 * it, with its output in a log file. The child ends itself when the test JVM goes away (see
 * {@link ChildMain}), so a killed test run leaves no stage behind.
 */
final class StageProcess implements AutoCloseable {

    static final List<String> STAGES = List.of("training", "clustering", "hessian", "pruning", "evaluation");

    private static final Map<String, String> MAIN = Map.of(
            "training", "io.crespr.training.TrainingApplication",
            "clustering", "io.crespr.clustering.ClusteringApplication",
            "hessian", "io.crespr.hessian.HessianApplication",
            "pruning", "io.crespr.pruning.PruningApplication",
            "evaluation", "io.crespr.evaluation.EvaluationApplication");

    final String stage;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int starts;
    private int fileSizeLimitKiB;

    private StageProcess(String stage, Map<String, String> env, Path log) {
        this.stage = stage;
        this.env = env;
        this.log = log;
    }

    /**
     * Starts a stage on {@code bootstrapServers} with {@code store} as its checkpoint store; the
     * other four listeners on the classpath are switched off, as in a service's own image.
     */
    static StageProcess start(String stage, String bootstrapServers, Path store, Path logDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("CRESPR_CHECKPOINT_STORE", store.toString());
        env.put("CRESPR_PARTITIONS", "2");
        env.put("MICRONAUT_SERVER_PORT", "-1");
        env.put("OMP_NUM_THREADS", "1");
        for (String s : STAGES) {
            env.put("CRESPR_STAGES_" + s.toUpperCase(java.util.Locale.ROOT) + "_ENABLED", String.valueOf(s.equals(stage)));
        }
        env.putAll(extra);
        StageProcess p = new StageProcess(stage, env, logDir.resolve(stage + ".log"));
        p.launch();
        return p;
    }

    private void launch() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.awt.headless=true", "-cp", classpath, ChildMain.class.getName(), MAIN.get(stage)));
        if (fileSizeLimitKiB > 0) {
            // RLIMIT_FSIZE: a write past the limit fails with EFBIG ("File too large"), as a full
            // disk fails one with ENOSPC, after the bytes below the limit are written
            List<String> limited = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + fileSizeLimitKiB
                    + " && exec \"$0\" \"$@\""));
            limited.addAll(cmd);
            cmd = limited;
        }
        // the output comes through a pipe, so a file size limit does not apply to the log
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- start " + (++starts) + " of " + stage + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + stage, e);
        }
        Process p = process;
        Thread pump = new Thread(() -> {
            try (var in = p.getInputStream();
                    var out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process is gone
            }
        }, stage + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Waits until the service has started (its listeners are subscribed and its HTTP server runs). */
    void awaitStarted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String marker = "---- start " + starts + " of " + stage;
        while (System.nanoTime() < deadline) {
            String text = logText();
            int from = text.lastIndexOf(marker);
            if (from >= 0 && text.indexOf("Startup completed", from) >= 0) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(stage + " exited with " + process.exitValue() + ":\n" + tail());
            }
            sleep(100);
        }
        throw new IllegalStateException(stage + " did not start within " + timeout.toSeconds() + " s:\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no leaving the consumer group, no closing the transaction. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(stage + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the stage again with the same settings (after {@link #kill}). */
    void restart() {
        restart(Map.of(), 0);
    }

    /**
     * Starts the stage again with further settings and, when {@code fileSizeLimitKiB > 0}, a
     * limit on the size of every file it writes.
     */
    void restart(Map<String, String> extra, int fileSizeLimitKiB) {
        if (process.isAlive()) {
            throw new IllegalStateException(stage + " still runs");
        }
        env.putAll(extra);
        this.fileSizeLimitKiB = fileSizeLimitKiB;
        launch();
    }

    /** A graceful stop (SIGTERM): the service leaves its consumer groups. */
    void stop() {
        close();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
