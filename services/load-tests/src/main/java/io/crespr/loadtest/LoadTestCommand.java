package io.crespr.loadtest;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.StageSteps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crespr load-test}: many small jobs through the streaming pipeline, and what they took. */
@Command(name = "load-test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submit many small jobs to the streaming pipeline, follow each to COMPLETED or FAILED, and print "
            + "submitted / completed / failed / lost, end-to-end latency p50 / p95 / p99, time per stage, throughput "
            + "and the largest consumer lag per stage; writes the same figures to --out as load-test.json.",
            "Without --bootstrap-servers it starts an in-process broker and the five stage services in this JVM "
            + "(and tears them down after); with it, it only submits and watches.",
            "Scenarios: smoke (3 tiny jobs at once), steady (20 jobs at 0.2/s), burst (20 jobs at once), soak (2 in "
            + "flight for 10 min). The default plan is tiny: crespr on synthetic data, mlp:16, 2 rounds, 1 dense epoch."})
public final class LoadTestCommand implements Callable<Integer> {

    @Option(names = "--scenario", required = true, description = "smoke, steady, burst or soak")
    String scenario;

    @Option(names = "--bootstrap-servers", description = "a Kafka cluster where the stage services run (host:port,…); "
            + "default: an in-process broker and services in this JVM")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "with --bootstrap-servers: "
            + io.crespr.runtime.KafkaClientSecurity.FLAG_DESCRIPTION)
    Path kafkaConfig;

    @Option(names = "--with-services", description = "with --bootstrap-servers: start the five stage services in this "
            + "JVM too, against that cluster")
    boolean withServices;

    @Option(names = "--out", description = "directory for load-test.json (default runs/load-test-<scenario>-<time>)")
    Path out;

    @Option(names = "--jobs", description = "jobs to submit, 1 to 10000 (soak: the most within --duration)")
    Integer jobs;

    @Option(names = "--rate", description = "jobs per second, an open loop (0: no pacing); at most 100")
    Double rate;

    @Option(names = "--concurrency", description = "most jobs in flight, a closed loop (0: no bound)")
    Integer concurrency;

    @Option(names = "--duration", description = "submit for this long, e.g. 90s, 10m, 2h (at most 24 h)")
    String duration;

    @Option(names = "--deadline", description = "after the last submission, wait this long for every job to end; "
            + "one that has not is lost (default: smoke 2m, steady 10m, burst 30m, soak 10m)")
    String deadline;

    @Option(names = "--stage-instances", split = ",", paramLabel = "STAGE=N", description = "in this JVM's pipeline: "
            + "N instances of a stage (0 to 8; default 1), e.g. training=2; more instances share the stage's "
            + "partitions, 0 leaves its jobs waiting")
    List<String> stageInstances;

    @Option(names = "--partitions", description = "in this JVM's pipeline: partitions of the topics it creates "
            + "(default 3)")
    Integer partitions;

    @Option(names = "--plan", description = "plan file (YAML or JSON) of every job; the flags below override it")
    Path planFile;

    @Option(names = "--dataset", description = "default synthetic; mnist-mini is bundled")
    String dataset;

    @Option(names = "--arch", description = "default mlp:16")
    String arch;

    @Option(names = "--method", description = "default crespr")
    String method;

    @Option(names = "--rounds", description = "pruning rounds (default 2)")
    Integer rounds;

    @Option(names = "--dense-epochs", description = "epochs of dense training (default 1)")
    Integer denseEpochs;

    @Option(names = "--target-sparsity", description = "default 0.9")
    Double targetSparsity;

    @Option(names = "--seed", description = "seed of every job (default 1)")
    Long seed;

    @Option(names = "--data-dir", description = "datasets directory of this JVM's services (mnist-mini and synthetic "
            + "need none)")
    Path dataDir;

    @Option(names = "--sample-interval", defaultValue = "1s", description = "how often to sample consumer lag "
            + "(default ${DEFAULT-VALUE})")
    String sampleInterval;

    @Option(names = "--connect-timeout", defaultValue = "10s", description = "give up on an unreachable cluster after "
            + "this long (default ${DEFAULT-VALUE})")
    String connectTimeout;

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** The plan of a load test's jobs unless told otherwise: about a second each on one core. */
    static Map<String, Object> defaultPlan() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "crespr");
        m.put("dataset", "synthetic");
        m.put("arch", "mlp:16");
        m.put("targetSparsity", 0.9);
        m.put("rounds", 2);
        m.put("denseEpochs", 1);
        m.put("evaluators", List.of("accuracy", "sparsity", "cost", "structure"));
        m.put("options", Map.of("clusterer", Map.of("k", "2")));
        return m;
    }

    @Override
    public Integer call() throws Exception {
        // Everything is checked before anything starts.
        LoadSpec load = LoadSpec.defaults(scenario).with(jobs, rate, concurrency, duration, deadline);
        Duration sample = LoadSpec.parseDuration("--sample-interval", sampleInterval);
        if (sample.toMillis() < 100 || sample.toMillis() > 60_000) {
            throw new InvalidInputException("--sample-interval must be 100 ms to 60 s, got " + sampleInterval);
        }
        Duration connect = LoadSpec.parseDuration("--connect-timeout", connectTimeout);
        if (connect.toMillis() < 100 || connect.toMinutes() > 10) {
            throw new InvalidInputException("--connect-timeout must be 100 ms to 10 min, got " + connectTimeout);
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new InvalidInputException("--bootstrap-servers must name host:port, got an empty value");
        }
        boolean local = bootstrapServers == null || withServices;
        if (!local && (stageInstances != null || partitions != null)) {
            throw new InvalidInputException((stageInstances != null ? "--stage-instances" : "--partitions")
                    + " applies to the services this JVM starts: leave out --bootstrap-servers, or add --with-services");
        }
        Map<String, Integer> instances = LocalPipeline.instances(stageInstances);
        if (partitions != null && (partitions < 1 || partitions > 64)) {
            throw new InvalidInputException("--partitions must be 1 to 64, got " + partitions);
        }
        PruningPlan plan = plan();
        int planRounds = new StageSteps(plan, null).rounds();
        Path dir = out != null ? out : Path.of("runs", "load-test-" + load.scenario() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        io.crespr.shared.report.ResultFiles.checkOutputDirectory(dir);

        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("scenario", load.scenario());
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // through the crespr command line, the arguments start with the subcommand's name
        int own = args.indexOf(spec.name());
        setup.put("command", "crespr " + spec.name() + " " + String.join(" ", args.subList(own + 1, args.size())));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jobs", load.jobs());
        settings.put("ratePerSecond", load.ratePerSecond());
        settings.put("concurrency", load.concurrency());
        settings.put("durationSeconds", load.duration() == null ? null : load.duration().toMillis() / 1000.0);
        settings.put("deadlineSeconds", load.deadline().toMillis() / 1000.0);
        settings.put("sampleIntervalSeconds", sample.toMillis() / 1000.0);
        setup.put("settings", settings);
        Map<String, Object> planSummary = new LinkedHashMap<>();
        planSummary.put("method", plan.method());
        planSummary.put("dataset", plan.dataset());
        planSummary.put("arch", plan.arch());
        planSummary.put("rounds", planRounds);
        planSummary.put("denseEpochs", plan.denseEpochs());
        planSummary.put("targetSparsity", plan.targetSparsity());
        planSummary.put("seed", plan.seed());
        setup.put("plan", planSummary);

        System.out.printf(Locale.ROOT, "load-test %s: %s; each job %s on %s, %s, %d rounds, %d dense epoch%s%n",
                load.scenario(), load.describe(), plan.method(), plan.dataset(), plan.arch(), planRounds,
                plan.denseEpochs(), plan.denseEpochs() == 1 ? "" : "s");
        Map<String, Object> security = bootstrapServers == null ? Map.of()
                : io.crespr.runtime.KafkaClientSecurity.settings(kafkaConfig, System.getenv());
        LocalPipeline pipeline = null;
        try {
            String servers = bootstrapServers;
            if (local) {
                pipeline = LocalPipeline.start(bootstrapServers, instances, partitions == null ? 0 : partitions, dataDir,
                        security);
                servers = pipeline.bootstrapServers();
                System.out.printf(Locale.ROOT, "%s at %s; stage services in this JVM (%s) started in %.1f s%n",
                        pipeline.inProcessBroker() ? "in-process Kafka broker (KRaft)" : "Kafka cluster", servers,
                        describe(instances), pipeline.startSeconds);
                setup.put("mode", pipeline.inProcessBroker() ? "in-process broker and services" : "services in this JVM");
                setup.put("stageInstances", instances);
                setup.put("partitions", partitions == null ? 3 : partitions);
            } else {
                setup.put("mode", "external pipeline");
            }
            setup.put("bootstrapServers", servers);
            LoadRun run = new LoadRun(servers, load, Plans.toMap(plan), planRounds, sample, connect,
                    quiet ? null : System.out).withClientSettings(security);
            if (local) {
                run.awaitingGroups(instances);
            }
            LoadReport report = new LoadReport(setup, run.run());
            report.print(System.out);
            report.write(dir);
            System.out.println("wrote " + dir.resolve(LoadReport.FILE));
            if (report.failed + report.lost > 0) {
                System.err.printf(Locale.ROOT, "error: %d of %d jobs did not complete (%d failed, %d lost)%n",
                        report.failed + report.lost, report.submitted, report.failed, report.lost);
                return 1;
            }
            return 0;
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    private PruningPlan plan() {
        Map<String, Object> base = defaultPlan();
        if (planFile != null) {
            base.putAll(Plans.readFile(planFile));
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("dataset", dataset);
        flags.put("arch", arch);
        flags.put("method", method);
        flags.put("rounds", rounds);
        flags.put("denseEpochs", denseEpochs);
        flags.put("targetSparsity", targetSparsity);
        flags.put("seed", seed);
        return Plans.build(base, flags);
    }

    private static String describe(Map<String, Integer> instances) {
        if (instances.values().stream().allMatch(n -> n == 1)) {
            return "one instance of each stage";
        }
        StringBuilder sb = new StringBuilder();
        instances.forEach((s, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(s).append(' ').append(n));
        return sb.toString();
    }
}
