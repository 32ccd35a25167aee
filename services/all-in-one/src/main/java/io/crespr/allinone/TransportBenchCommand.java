package io.crespr.allinone;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobIds;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPipeline;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.StageSteps;
import io.crespr.shared.streaming.DataCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the streaming transport costs: the same job in process ({@code prune}) and through Kafka
 * ({@code run}), wall time per stage and in total, the fixed start-up, and bytes on the wire per
 * checkpoint, dense against pruned.
 */
@Command(name = "transport-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run one job in process and through Kafka (in-process broker unless --bootstrap-servers), "
            + "and print a table: wall time per stage and in total, the transport's share of the job, the fixed "
            + "start-up, and bytes on the wire per checkpoint. Defaults as 'run'.")
final class TransportBenchCommand implements Callable<Integer> {

    @Option(names = "--method", description = "method preset (default crespr)")
    String method;

    @Option(names = "--target-sparsity", description = "share of weights to prune (default 0.99)")
    Double targetSparsity;

    @Option(names = "--seed", description = "seed (default 1)")
    Long seed;

    @Option(names = "--repeats", defaultValue = "1", description = "pairs of runs, in process then through Kafka; "
            + "the table shows each (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--bootstrap-servers", description = "use this Kafka cluster instead of an in-process broker")
    String bootstrapServers;

    @Mixin
    KafkaSecurityOptions kafkaSecurity = new KafkaSecurityOptions();

    @Mixin
    PlanOptions planOptions;

    private static final List<String> STAGES = List.of("train", "choose-k", "cluster", "score", "prune", "loss-rise",
            "fine-tune", "evaluate");

    /** One pair of runs. */
    private record Pair(PruningResult inProcess, JobCompleted streamed, double brokerSeconds, double servicesSeconds,
            List<ConsumerRecord<String, byte[]>> records) {
    }

    @Override
    public Integer call() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("method", method);
        flags.put("targetSparsity", targetSparsity);
        flags.put("seed", seed);
        PruningPlan plan = planOptions.plan(RunCommand.DEFAULTS, flags);
        if (repeats < 1) {
            throw new io.crespr.shared.InvalidInputException("--repeats must be >= 1, got " + repeats);
        }
        DataSplit data = Datasets.load(plan.dataset(), planOptions.dataDir != null ? planOptions.dataDir
                : Datasets.defaultDataDir(), plan.seed());
        System.out.printf(Locale.ROOT, "%s on %s, %s, target %.4f, seed %d, %d rounds; %d core(s), Java %s%n",
                plan.method(), plan.dataset(), plan.arch(), plan.targetSparsity(), plan.seed(),
                new StageSteps(plan, data).rounds(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            PruningResult local = new PruningPipeline(plan, data, null).run();
            System.out.printf(Locale.ROOT, "pair %d: in process %.1f s%n", i + 1, local.totalSeconds());
            pairs.add(streamed(plan, data, local));
            System.out.printf(Locale.ROOT, "pair %d: through Kafka %.1f s%n", i + 1, pairs.get(i).streamed().totalSeconds());
        }
        System.out.println();
        System.out.println(timeTable(pairs));
        System.out.println(bytesTable(pairs.get(pairs.size() - 1).records()));
        return 0;
    }

    private Pair streamed(PruningPlan plan, DataSplit data, PruningResult local) {
        String job = "transport-bench-" + JobIds.random();
        Map<String, Object> security = bootstrapServers == null ? Map.of() : kafkaSecurity.settings();
        Map<String, Object> settings = new java.util.HashMap<>();
        security.forEach((k, v) -> settings.put("kafka." + k, v));
        try (StreamingPipeline pipeline = StreamingPipeline.start(bootstrapServers, null, settings);
                JobClient client = new JobClient(pipeline.bootstrapServers(), security, KafkaLimits.defaults())) {
            pipeline.context().getBean(DataCache.class).put(plan.dataset(), plan.seed(), data);
            JobCompleted done;
            try (JobClient.Watch watch = client.watch(job)) {
                client.submit(job, Plans.toMap(plan), new StageSteps(plan, data).rounds());
                done = watch.await(Duration.ZERO, s -> { });
            }
            if (done.achievedSparsity() != local.last().sparsity()
                    || done.prunedAccuracy() != local.last().testAccuracy()) {
                throw new IllegalStateException("the transport changed the numbers: in process sparsity "
                        + local.last().sparsity() + " accuracy " + local.last().testAccuracy() + ", through Kafka "
                        + done.achievedSparsity() + " " + done.prunedAccuracy());
            }
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            for (TopicSpec<?> t : Topics.ALL) {
                records.addAll(client.records(t, job));
            }
            return new Pair(local, done, pipeline.brokerSeconds, pipeline.servicesSeconds, records);
        }
    }

    static String timeTable(List<Pair> pairs) {
        StringBuilder b = new StringBuilder();
        b.append("| wall time, s |");
        for (int i = 0; i < pairs.size(); i++) {
            b.append(pairs.size() == 1 ? "" : " (" + (i + 1) + ")").append(" in process | through Kafka |");
        }
        b.append('\n').append("|---|").append("---:|---:|".repeat(pairs.size())).append('\n');
        Set<String> stages = new LinkedHashSet<>(STAGES);
        for (Pair p : pairs) {
            stages.addAll(p.inProcess().stageSeconds().keySet());
            stages.addAll(p.streamed().stageSeconds().keySet());
        }
        for (String stage : stages) {
            if (pairs.stream().noneMatch(p -> p.inProcess().stageSeconds().containsKey(stage)
                    || p.streamed().stageSeconds().containsKey(stage))) {
                continue;
            }
            b.append("| ").append(stage).append(" |");
            for (Pair p : pairs) {
                b.append(cell(p.inProcess().stageSeconds().getOrDefault(stage, 0.0)))
                        .append(cell(p.streamed().stageSeconds().getOrDefault(stage, 0.0)));
            }
            b.append('\n');
        }
        row(b, "all stages", pairs, p -> sum(p.inProcess().stageSeconds()), p -> sum(p.streamed().stageSeconds()));
        row(b, "(de)serialising checkpoints and saliencies", pairs, p -> Double.NaN, p -> p.streamed().codecSeconds());
        row(b, "Kafka: transactions, fetches, envelopes, waiting", pairs, p -> Double.NaN,
                p -> p.streamed().totalSeconds() - sum(p.streamed().stageSeconds()) - p.streamed().codecSeconds());
        row(b, "**job**, submitted to result", pairs, p -> p.inProcess().totalSeconds(), p -> p.streamed().totalSeconds());
        b.append("| **transport's share of the job** |");
        for (Pair p : pairs) {
            double over = p.streamed().totalSeconds() - sum(p.streamed().stageSeconds());
            b.append(" – |").append(String.format(Locale.ROOT, " %.2f s = %.1f %% |", over,
                    100 * over / p.streamed().totalSeconds()));
        }
        b.append('\n');
        row(b, "fixed start-up: in-process broker", pairs, p -> Double.NaN, Pair::brokerSeconds);
        row(b, "fixed start-up: five services", pairs, p -> Double.NaN, Pair::servicesSeconds);
        return b.toString();
    }

    private static void row(StringBuilder b, String name, List<Pair> pairs, java.util.function.ToDoubleFunction<Pair> a,
            java.util.function.ToDoubleFunction<Pair> k) {
        b.append("| ").append(name).append(" |");
        for (Pair p : pairs) {
            b.append(cell(a.applyAsDouble(p))).append(cell(k.applyAsDouble(p)));
        }
        b.append('\n');
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? " – |" : String.format(Locale.ROOT, " %.2f |", v);
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static String bytesTable(List<ConsumerRecord<String, byte[]>> records) {
        StringBuilder b = new StringBuilder("| payload | as stored | compressed | record on the wire | how |\n"
                + "|---|---:|---:|---:|---|\n");
        CheckpointEvent dense = null;
        CheckpointEvent last = null;
        CheckpointEvent scored = null;
        long denseRecord = 0;
        long lastRecord = 0;
        long scoredRecord = 0;
        long total = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            total += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
            if (r.topic().equals(Topics.CHECKPOINTS_TRAINED_NAME)) {
                CheckpointEvent e = EventCodec.decode(r.value(), CheckpointEvent.class);
                if (e.round() == 0) {
                    dense = e;
                    denseRecord = r.serializedValueSize();
                }
                if (last == null || e.round() >= last.round()) {
                    last = e;
                    lastRecord = r.serializedValueSize();
                }
            } else if (r.topic().equals(Topics.CHECKPOINTS_SCORED_NAME) && scored == null) {
                scored = EventCodec.decode(r.value(), CheckpointEvent.class);
                scoredRecord = r.serializedValueSize();
            }
        }
        if (dense != null) {
            payloadRow(b, "dense checkpoint (round 0, checkpoints.trained)", dense.checkpoint(), denseRecord);
        }
        if (last != null) {
            payloadRow(b, "pruned checkpoint (round " + last.round() + ", checkpoints.trained)", last.checkpoint(),
                    lastRecord);
        }
        if (scored != null && scored.saliency() != null) {
            payloadRow(b, "saliency (round " + scored.round() + ", checkpoints.scored, with its checkpoint)",
                    scored.saliency(), scoredRecord);
        }
        b.append(String.format(Locale.ROOT, "| all %d records of the job | | | %,d | |%n", records.size(), total));
        return b.toString();
    }

    private static void payloadRow(StringBuilder b, String name, PayloadRef ref, long record) {
        long compressed = ref.inline() ? Base64.getDecoder().decode(ref.data()).length : -1;
        b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %,d | %s |%n", name, ref.bytes(),
                compressed < 0 ? "–" : String.format(Locale.ROOT, "%,d", compressed), record,
                ref.inline() ? "inline, zstd + base64" : "claim check: URI + SHA-256"));
    }
}
