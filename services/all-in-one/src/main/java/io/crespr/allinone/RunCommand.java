package io.crespr.allinone;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobIds;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.report.ResultFiles;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.StageSteps;
import io.crespr.shared.streaming.DataCache;
import io.crespr.shared.streaming.JobResults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming pipeline in one JVM: an in-process Kafka broker (or an external cluster), the
 * five stage services with their real listeners, one job submitted and followed to its result.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start an in-process Kafka broker (KRaft) and the five stage services in this JVM, submit a "
            + "job (default: crespr on mnist-mini, lenet-300-100, to sparsity 0.99), print its progress per stage "
            + "and round, and write the same files as 'prune' to --out.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--method", description = "method preset (default crespr)")
    String method;

    @Option(names = "--target-sparsity", description = "share of weights to prune, in [0, 1) (default 0.99)")
    Double targetSparsity;

    @Option(names = "--seed", description = "seed of every random stream (default 1)")
    Long seed;

    @Option(names = "--out", description = "output directory (default runs/<job id>)")
    Path out;

    @Option(names = "--bootstrap-servers", description = "use this Kafka cluster (host:port,…) instead of an "
            + "in-process broker")
    String bootstrapServers;

    @Option(names = "--job-id", description = "the job's id (default: a random UUID)")
    String jobId;

    @Option(names = "--checkpoint-store", description = "directory of the checkpoint store (default: a temporary "
            + "directory, deleted at the end)")
    Path checkpointStore;

    @Option(names = "--timeout", defaultValue = "0", description = "give up after this many seconds (default 0: wait)")
    long timeoutSeconds;

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    @Option(names = "--metrics-port", description = "serve the services' Prometheus metrics at "
            + "http://ADDRESS:PORT/prometheus and health at /health while the job runs (0: a free port)")
    Integer metricsPort;

    @Option(names = "--metrics-address", defaultValue = "127.0.0.1", description = "address the metrics endpoint "
            + "binds to (default 127.0.0.1; 0.0.0.0 for every interface)")
    String metricsAddress;

    @Option(names = "--metrics-linger", defaultValue = "0", description = "keep serving metrics this many seconds "
            + "after the job ends, so a scrape sees the finished job (default 0)")
    long metricsLingerSeconds;

    @Mixin
    PlanOptions planOptions;

    @Mixin
    KafkaSecurityOptions kafkaSecurity = new KafkaSecurityOptions();

    /** run's own defaults (also transport-bench's): below the plan file and the flags. */
    static final Map<String, Object> DEFAULTS = Map.of("method", "crespr", "targetSparsity", 0.99);

    @Override
    public Integer call() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("method", method);
        flags.put("targetSparsity", targetSparsity);
        flags.put("seed", seed);
        PruningPlan plan = planOptions.plan(DEFAULTS, flags);
        String id = jobId != null ? jobId : JobIds.random();
        if (!JobIds.isValid(id)) {
            throw new io.crespr.shared.InvalidInputException("--job-id must be 1 to 128 letters, digits, '.', '_' or '-', "
                    + "got '" + id + "'");
        }
        Path dir = out != null ? out : Path.of("runs", id);
        io.crespr.shared.report.ResultFiles.checkOutputDirectory(dir);
        Path dataDir = planOptions.dataDir != null ? planOptions.dataDir : Datasets.defaultDataDir();
        DataSplit data = Datasets.load(plan.dataset(), dataDir, plan.seed());
        int rounds = new StageSteps(plan, data).rounds();
        System.out.printf(Locale.ROOT, "%s on %s (%d train / %d validation / %d test), %s, target %.4f, seed %d%n",
                plan.method(), plan.dataset(), data.train().size(), data.validation().size(), data.test().size(),
                plan.arch(), plan.targetSparsity(), plan.seed());

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("crespr.data-dir", dataDir.toString());
        // An external cluster's security settings go to the services and to the job's client; the
        // in-process broker needs none.
        Map<String, Object> security = bootstrapServers == null ? Map.of() : kafkaSecurity.settings();
        security.forEach((k, v) -> settings.put("kafka." + k, v));
        if (metricsPort != null) {
            if (metricsPort < 0 || metricsPort > 65535) {
                throw new io.crespr.shared.InvalidInputException("--metrics-port must be 0 to 65535, got " + metricsPort);
            }
            settings.put("micronaut.server.port", metricsPort == 0 ? -1 : metricsPort);
            settings.put("micronaut.server.host", metricsAddress);
        }
        long t0 = System.nanoTime();
        try (StreamingPipeline pipeline = StreamingPipeline.start(bootstrapServers, checkpointStore, settings);
                JobClient client = new JobClient(pipeline.bootstrapServers(), security, KafkaLimits.defaults())) {
            // The five services share this JVM: they use the data already loaded here.
            pipeline.context().getBean(DataCache.class).put(plan.dataset(), plan.seed(), data);
            System.out.printf(Locale.ROOT, "%s at %s; five stage services started in %.1f s%n",
                    pipeline.inProcessBroker() ? "in-process Kafka broker (KRaft)" : "Kafka cluster",
                    pipeline.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
            if (metricsPort != null) {
                System.out.println("metrics at " + pipeline.serveMetrics().resolve("/prometheus") + ", health at "
                        + pipeline.serveMetrics().resolve("/health"));
            }
            JobCompleted done;
            StatusLines lines = new StatusLines(System.out);
            try (JobClient.Watch watch = client.watch(id)) {
                client.submit(id, Plans.toMap(plan), rounds);
                System.out.println("job " + id + " submitted to crespr.jobs.v1");
                done = watch.await(Duration.ofSeconds(timeoutSeconds), s -> {
                    if (!quiet) {
                        lines.accept(s);
                    }
                });
            } catch (JobClient.JobFailedException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            PruningResult result = JobResults.toPruningResult(done,
                    pipeline.context().getBean(CheckpointTransport.class));
            ResultFiles.write(result, data, dir);
            System.out.printf(Locale.ROOT, "%5s  %9s  %9s  %8s%n", "round", "scheduled", "sparsity", "test %");
            PruneCommand.print(result.denseRound());
            result.rounds().forEach(PruneCommand::print);
            double compute = done.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf(Locale.ROOT, "stages %.1f s, checkpoint (de)serialisation %.2f s, Kafka and waiting "
                    + "%.2f s of the job's %.1f s%n", compute, done.codecSeconds(),
                    Math.max(0, done.totalSeconds() - compute - done.codecSeconds()), done.totalSeconds());
            System.out.printf(Locale.ROOT, "dense %.2f %% -> pruned %.2f %% at sparsity %.6f in %.1f s through Kafka; "
                    + "wrote %s%n", 100 * result.denseRound().testAccuracy(), 100 * result.last().testAccuracy(),
                    result.last().sparsity(), result.totalSeconds(), dir.resolve(ResultFiles.RESULT));
            if (result.last().metrics().get(io.crespr.shared.stage.InferenceTiming.KEY) instanceof Map<?, ?> inference) {
                System.out.println("inference: " + io.crespr.shared.stage.InferenceTiming.describe(inference));
            }
            if (metricsPort != null && metricsLingerSeconds > 0) {
                System.out.printf(Locale.ROOT, "serving metrics for %d s more%n", metricsLingerSeconds);
                try {
                    Thread.sleep(metricsLingerSeconds * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return 0;
    }
}
