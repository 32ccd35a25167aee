package io.crespr.inferencebench;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.model.Checkpoint;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link InferenceBenchmark} through JMH for each checkpoint: every (batch, path) in forked
 * JVMs with warm-up and measurement iterations, one thread, average time per call; then builds
 * the table (speed-up over DL4J, FLOP limit, share of it reached).
 *
 * <p>The forks run {@code java} with this JVM's class path and arguments (JMH's defaults) and
 * inherit its environment, so {@code OMP_NUM_THREADS} reaches them; each fork also limits ND4J
 * and BLAS to that many threads (1 when unset). The cost model is calibrated once, here, and
 * handed to every fork; each fork then chooses its auto plan as {@code SparseModel} does (timing
 * the candidate kernels on each layer), so forks may choose differently: the table reports the
 * plan each fork ran.
 */
public final class InferenceBenchRunner {

    private InferenceBenchRunner() {
    }

    /**
     * How to run.
     *
     * @param models            pruned checkpoints
     * @param batches           samples per call
     * @param paths             paths to time (block-diagonal is skipped for a checkpoint without modules)
     * @param dataset           dataset whose test split runs; {@code null}: each checkpoint's own
     * @param dataDir           where fetched datasets live; {@code null}: the default
     * @param forks             JVMs per (checkpoint, batch, path)
     * @param warmupIterations  warm-up iterations per fork
     * @param warmupSeconds     seconds per warm-up iteration
     * @param iterations        measurement iterations per fork
     * @param iterationSeconds  seconds per measurement iteration
     * @param jmhLog            where JMH's own output goes; {@code null}: this process's output (verbose)
     */
    public record Settings(List<Path> models, List<Integer> batches, List<BenchPath> paths, String dataset, Path dataDir,
            int forks, int warmupIterations, double warmupSeconds, int iterations, double iterationSeconds, Path jmhLog) {

        public static final int DEFAULT_FORKS = 2;
        /**
         * Warm-up: DL4J's forward pass (and every path that calls ND4J) is still getting faster after
         * 3 s in a fresh JVM on this 2-core machine; the compiled CSR path is steady after 1 s.
         */
        public static final int DEFAULT_WARMUP_ITERATIONS = 10;
        public static final double DEFAULT_WARMUP_SECONDS = 0.4;
        public static final int DEFAULT_ITERATIONS = 5;
        public static final double DEFAULT_ITERATION_SECONDS = 0.2;

        public Settings {
            models = List.copyOf(models);
            batches = List.copyOf(batches);
            paths = List.copyOf(paths);
            if (models.isEmpty()) {
                throw new InvalidInputException("no --model given");
            }
            if (batches.isEmpty()) {
                throw new InvalidInputException("no batch size given");
            }
            for (int b : batches) {
                TestInputs.checkBatch(b, "batches");
            }
            if (paths.isEmpty()) {
                throw new InvalidInputException("no path given");
            }
            if (forks < 1) {
                throw new InvalidInputException("--forks must be at least 1, got " + forks);
            }
            if (warmupIterations < 0) {
                throw new InvalidInputException("--warmup must be at least 0, got " + warmupIterations);
            }
            if (iterations < 1) {
                throw new InvalidInputException("--iterations must be at least 1, got " + iterations);
            }
            if (!(warmupSeconds > 0) || !(iterationSeconds > 0)) {
                throw new InvalidInputException("iteration times must be positive, got " + warmupSeconds + " s and "
                        + iterationSeconds + " s");
            }
        }

        /** The defaults for everything but what is benchmarked. */
        public static Settings defaults(List<Path> models, List<Integer> batches, List<BenchPath> paths) {
            return new Settings(models, batches, paths, null, null, DEFAULT_FORKS, DEFAULT_WARMUP_ITERATIONS,
                    DEFAULT_WARMUP_SECONDS, DEFAULT_ITERATIONS, DEFAULT_ITERATION_SECONDS, null);
        }

        /** Seconds of warm-up and measurement in one fork. */
        double secondsPerFork() {
            return warmupIterations * warmupSeconds + iterations * iterationSeconds;
        }
    }

    /** Roughly what a fork costs beyond its iterations here (1.1-1.9 s to set up, then JMH's own): for the estimate. */
    static final double FORK_OVERHEAD_SECONDS = 2;

    /** Threads each fork gives ND4J and BLAS: {@code OMP_NUM_THREADS}, 1 when unset or not a number. */
    static int threads() {
        String v = System.getenv("OMP_NUM_THREADS");
        try {
            return v == null ? 1 : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Checks every checkpoint, then benchmarks them one after the other.
     *
     * @return one row per checkpoint, batch and applicable path, in that order
     */
    public static List<BenchRow> run(Settings s, PrintStream out) {
        List<Checkpoint> checkpoints = s.models().stream().map(BenchTarget::load).toList();
        CostModel costs = CostModel.calibrate();
        out.println("cost model (calibrated once, handed to every fork): " + costs);
        List<BenchTarget> targets = new ArrayList<>();
        for (int i = 0; i < s.models().size(); i++) {
            Path m = s.models().get(i);
            BenchTarget t = BenchTarget.inspect(m, checkpoints.get(i), s.dataset(), s.dataDir(), s.batches(), s.paths(),
                    costs, false);
            targets.add(t);
            out.printf(Locale.ROOT, "%s: %s, sparsity %.4f, modules %d, %d test images of %s; outputs of every compiled "
                    + "path checked against DL4J's%s%n", m, t.checkpoint().architecture(), t.checkpoint().sparsity(),
                    t.checkpoint().modules().k(), t.test().size(), t.dataset(),
                    t.skipped().isEmpty() ? "" : "; skipped: " + t.skipped().entrySet().stream()
                            .map(e -> e.getKey().label() + " (" + e.getValue() + ")").reduce((a, b) -> a + ", " + b).orElse(""));
        }
        targets.removeIf(t -> t.paths().isEmpty());
        int total = targets.stream().mapToInt(t -> t.paths().size() * s.batches().size()).sum();
        if (total == 0) {
            throw new InvalidInputException("nothing to benchmark: no path asked for applies to any checkpoint given");
        }
        double estimate = total * s.forks() * (s.secondsPerFork() + FORK_OVERHEAD_SECONDS);
        int threads = threads();
        out.printf(Locale.ROOT, "JMH: %d benchmarks × %d forks, warm-up %d × %s s, measurement %d × %s s, 1 thread, "
                + "average time per call; ND4J/BLAS threads per fork %d (OMP_NUM_THREADS=%s); about %s%n", total,
                s.forks(), s.warmupIterations(), seconds(s.warmupSeconds()), s.iterations(), seconds(s.iterationSeconds()),
                threads, System.getenv("OMP_NUM_THREADS"), estimate < 90 ? Math.round(estimate) + " s" : Math.round(estimate / 60) + " min");
        if (s.jmhLog() != null) {
            out.println("JMH's own output: " + s.jmhLog());
        }
        String encodedCosts = CostModels.encode(costs);
        List<BenchRow> rows = new ArrayList<>();
        Progress progress = new Progress(out, s.jmhLog(), total);
        try {
            for (BenchTarget t : targets) {
                rows.addAll(runOne(s, t, encodedCosts, threads, progress));
            }
        } finally {
            progress.closeLog();
        }
        return rows;
    }

    private static String seconds(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static List<BenchRow> runOne(Settings s, BenchTarget t, String costs, int threads, Progress progress) {
        Path planLog;
        Path plans;
        try {
            planLog = Files.createTempFile("crespr-bench-plans", ".tsv");
            plans = Files.createTempDirectory("crespr-bench-auto");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create a temporary file: " + e.getMessage(), e);
        }
        try {
            // The auto plan is chosen by timing kernels: the one chosen and checked here is what every fork runs.
            for (Map.Entry<Integer, io.crespr.shared.inference.SparseModel> e : t.autoPlans().entrySet()) {
                io.crespr.shared.inference.CompiledModelCodec.save(e.getValue(),
                        plans.resolve(InferenceBenchmark.autoPlanFile(e.getKey())));
            }
            return runOne(s, t, costs, threads, progress, planLog, plans);
        } finally {
            try {
                Files.deleteIfExists(planLog);
                try (var files = Files.list(plans)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(plans);
            } catch (java.io.IOException e) {
                // a temporary file left behind
            }
        }
    }

    private static List<BenchRow> runOne(Settings s, BenchTarget t, String costs, int threads, Progress progress,
            Path planLog, Path autoPlans) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(InferenceBenchmark.class.getName() + ".forward") + "$")
                .param("model", t.file().toAbsolutePath().toString())
                .param("batch", s.batches().stream().map(String::valueOf).toArray(String[]::new))
                .param("path", t.paths().stream().map(BenchPath::label).toArray(String[]::new))
                .param("dataset", t.dataset())
                .param("dataDir", s.dataDir() == null ? "" : s.dataDir().toAbsolutePath().toString())
                .param("costs", costs)
                .param("planLog", planLog.toAbsolutePath().toString())
                .param("plans", autoPlans.toAbsolutePath().toString())
                .forks(s.forks())
                .warmupForks(0)
                .threads(1)
                .warmupIterations(s.warmupIterations())
                .warmupTime(TimeValue.milliseconds(Math.round(s.warmupSeconds() * 1000)))
                .measurementIterations(s.iterations())
                .measurementTime(TimeValue.milliseconds(Math.round(s.iterationSeconds() * 1000)))
                .timeUnit(TimeUnit.MICROSECONDS)
                .jvmArgsAppend("-D" + InferenceBenchmark.THREADS_PROPERTY + "=" + threads)
                .shouldFailOnError(true);
        progress.model(t);
        Collection<RunResult> results;
        try {
            results = new Runner(o.build(), progress).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed on " + t.file() + ": " + e.getMessage()
                    + (s.jmhLog() != null ? " (JMH's output, with the fork's error: " + s.jmhLog() + ")" : ""), e);
        }
        Map<String, Result<?>> byKey = new HashMap<>();
        for (RunResult r : results) {
            int b = Integer.parseInt(r.getParams().getParam("batch"));
            BenchPath p = BenchPath.parse(r.getParams().getParam("path"));
            byKey.put(BenchTarget.key(b, p), r.getPrimaryResult());
        }
        Map<String, String> plans = forkPlans(planLog);
        List<BenchRow> rows = new ArrayList<>();
        for (int b : s.batches()) {
            Result<?> base = byKey.get(BenchTarget.key(b, BenchPath.DL4J));
            double dl4j = base == null ? Double.NaN : base.getScore();
            for (BenchPath p : t.paths()) {
                Result<?> r = byKey.get(BenchTarget.key(b, p));
                if (r == null) {
                    throw new IllegalStateException("JMH gave no result for " + t.file() + " batch " + b + " path "
                            + p.label());
                }
                BenchRow row = t.row(b, p, r.getScore(), r.getScoreError(), dl4j);
                String ran = plans.get(BenchTarget.key(b, p));
                rows.add(ran == null || !p.compiled() ? row : row.withPlan(ran));
            }
        }
        return rows;
    }

    /**
     * The plan each (batch, path) ran, from the lines its forks appended: the plan when every fork
     * ran the same, else each distinct plan with its number of forks ({@code csr/csr/csr ×1 |
     * dense/csr/csr ×1}).
     */
    static Map<String, String> forkPlans(Path planLog) {
        Map<String, Map<String, Integer>> seen = new java.util.LinkedHashMap<>();
        try {
            if (Files.exists(planLog)) {
                for (String line : Files.readAllLines(planLog, java.nio.charset.StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", 3);
                    if (f.length == 3) {
                        String key = BenchTarget.key(Integer.parseInt(f[0]), BenchPath.parse(f[1]));
                        seen.computeIfAbsent(key, k -> new java.util.LinkedHashMap<>()).merge(f[2], 1, Integer::sum);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + planLog + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        seen.forEach((key, counts) -> out.put(key, counts.size() == 1 ? counts.keySet().iterator().next()
                : String.join(" | ", counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).toList())));
        return out;
    }

    /**
     * JMH's output, to a log file (or, without one, here), and one line per finished benchmark here.
     */
    static final class Progress implements OutputFormat {
        private final PrintStream out;
        private final PrintStream logStream;
        private final OutputFormat log;
        private final int total;
        private final long start = System.nanoTime();
        private int done;
        private BenchTarget target;

        Progress(PrintStream out, Path logFile, int total) {
            this.out = out;
            this.total = total;
            if (logFile != null) {
                try {
                    Path parent = logFile.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    logStream = new PrintStream(logFile.toFile(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (FileNotFoundException e) {
                    throw new java.io.UncheckedIOException("cannot write " + logFile + ": " + e.getMessage(), e);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write " + logFile + ": " + e.getMessage(), e);
                }
                log = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
            } else {
                logStream = null;
                log = OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL);
            }
        }

        void model(BenchTarget t) {
            this.target = t;
        }

        @Override
        public void iteration(org.openjdk.jmh.infra.BenchmarkParams b, org.openjdk.jmh.infra.IterationParams p, int i) {
            log.iteration(b, p, i);
        }

        @Override
        public void iterationResult(org.openjdk.jmh.infra.BenchmarkParams b, org.openjdk.jmh.infra.IterationParams p,
                int i, org.openjdk.jmh.results.IterationResult r) {
            log.iterationResult(b, p, i, r);
        }

        @Override
        public void startBenchmark(org.openjdk.jmh.infra.BenchmarkParams b) {
            log.startBenchmark(b);
        }

        @Override
        public void endBenchmark(org.openjdk.jmh.results.BenchmarkResult r) {
            log.endBenchmark(r);
            done++;
            if (logStream == null) {
                return;
            }
            var p = r.getParams();
            Result<?> res = r.getPrimaryResult();
            double err = res.getScoreError();
            out.printf(Locale.ROOT, "[%d/%d %s] %s batch %s %s: %.3f%s µs/call%n", done, total,
                    elapsed(), target == null ? "" : target.file(), p.getParam("batch"), p.getParam("path"),
                    res.getScore(), Double.isNaN(err) ? " (no error bar: too few iterations)"
                            : String.format(Locale.ROOT, " ± %.3f", err));
        }

        private String elapsed() {
            long sec = (System.nanoTime() - start) / 1_000_000_000L;
            return String.format(Locale.ROOT, "%d:%02d", sec / 60, sec % 60);
        }

        @Override
        public void startRun() {
            log.startRun();
        }

        @Override
        public void endRun(Collection<RunResult> result) {
            log.endRun(result);
        }

        @Override
        public void print(String s) {
            log.print(s);
        }

        @Override
        public void println(String s) {
            log.println(s);
        }

        @Override
        public void flush() {
            log.flush();
        }

        /** JMH closes its output after every run and every fork (forwarded from the fork): only flush then. */
        @Override
        public void close() {
            log.flush();
        }

        void closeLog() {
            log.flush();
            if (logStream != null) {
                logStream.close();
            }
        }

        @Override
        public void verbosePrintln(String s) {
            log.verbosePrintln(s);
        }

        @Override
        public void write(int b) {
            log.write(b);
        }

        @Override
        public void write(byte[] b) throws java.io.IOException {
            log.write(b);
        }
    }
}
