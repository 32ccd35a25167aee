package io.crespr.runtime;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.BadEventException;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.stage.RoundResult;
import io.crespr.shared.streaming.Outgoing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The pipeline's own Micrometer meters (exported at {@code /prometheus}; the README lists them).
 * Names follow Prometheus conventions once exported: base units (seconds, bytes, ratios),
 * {@code _total} on counters, and labels with few values ({@code stage}, {@code topic},
 * {@code outcome}, {@code direction}, {@code reason}, {@code method}) — never a job id.
 */
@Singleton
public class StageMetrics implements AutoCloseable {

    public static final String PROCESSING = "crespr.stage.processing";
    public static final String IN_FLIGHT = "crespr.stage.records.in.flight";
    public static final String CHECKPOINT_BYTES = "crespr.checkpoint.bytes";
    public static final String MESSAGE_BYTES = "crespr.message.bytes";
    public static final String FAILURES = "crespr.stage.failures";
    public static final String DEAD_LETTERS = "crespr.dead.letters";
    public static final String JOBS_FAILED = "crespr.jobs.failed";
    public static final String JOBS_COMPLETED = "crespr.jobs.completed";
    public static final String JOB_DURATION = "crespr.job.duration";
    public static final String LAST_PRUNED_ACCURACY = "crespr.job.last.pruned.accuracy";
    public static final String LAST_DENSE_ACCURACY = "crespr.job.last.dense.accuracy";
    public static final String LAST_SPARSITY = "crespr.job.last.sparsity";
    public static final String LAST_INTRA_MODULE_SHARE = "crespr.job.last.intra.module.share";
    public static final String LAST_COMPLETED = "crespr.job.last.completed.timestamp";

    /** Histogram buckets of a stage's time per record: 10 ms (a small evaluation) to 2 h (dense training). */
    static final Duration[] STAGE_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
            600, 1800, 3600, 7200);

    /** Histogram buckets of a job's time from submission to result: 5 s to 24 h. */
    static final Duration[] JOB_BUCKETS = seconds(5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200,
            86400);

    /** Outcome label of {@link #PROCESSING}. */
    public enum Outcome {
        SUCCESS, DEAD_LETTER, ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<JobCompleted>> lastByMethod = new ConcurrentHashMap<>();
    private final Map<Consumer<?, ?>, KafkaClientMetrics> consumers = new IdentityHashMap<>();

    public StageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A stage's listener exists: its in-flight gauge, dead-letter and failed-job counters start
     * at zero (a counter that first appears at 1 hides its first increase from {@code rate()}).
     */
    public void stageStarted(String stage, List<String> inputTopics) {
        inFlight(stage);
        for (String t : inputTopics) {
            deadLetterCounter(stage, t + io.crespr.shared.messages.TopicSpec.DEAD_LETTER_SUFFIX);
        }
        jobsFailedCounter(stage);
    }

    /** A record has arrived at a stage: counted in flight until {@link #finished}. */
    public void received(String stage, byte[] value, long checkpointBytes) {
        inFlight(stage).incrementAndGet();
        bytes(MESSAGE_BYTES, stage, "in", value == null ? 0 : value.length);
        bytes(CHECKPOINT_BYTES, stage, "in", checkpointBytes);
    }

    /** The stage is done with a record, whatever the outcome. */
    public void finished(String stage, String topic, Outcome outcome, long nanos) {
        inFlight(stage).decrementAndGet();
        Timer.builder(PROCESSING)
                .description("Time a stage spends on one record, from receipt to the transaction's commit")
                .tags("stage", stage, "topic", topic, "outcome", outcome.label())
                .serviceLevelObjectives(STAGE_BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** What a stage published for a record: bytes on the wire and in checkpoints, finished jobs. */
    public void published(String stage, List<Outgoing> out, List<byte[]> encoded) {
        for (byte[] b : encoded) {
            bytes(MESSAGE_BYTES, stage, "out", b.length);
        }
        for (Outgoing o : out) {
            if (o.value() instanceof CheckpointEvent c && c.checkpoint() != null) {
                bytes(CHECKPOINT_BYTES, stage, "out", c.checkpoint().bytes());
            } else if (o.value() instanceof JobCompleted done) {
                completed(done);
            }
        }
    }

    /** A failed attempt at a record (retried, or dead-lettered), by reason. */
    public void failed(String stage, Throwable error) {
        Counter.builder(FAILURES).description("Failed attempts at a record, by reason (bad input, or the error's class)")
                .tags("stage", stage, "reason", reasonOf(error)).register(registry).increment();
    }

    /** A record went to its dead-letter topic; {@code jobFailed} when its job was marked FAILED. */
    public void deadLettered(String stage, String deadLetterTopic, boolean jobFailed) {
        deadLetterCounter(stage, deadLetterTopic).increment();
        Counter jobs = jobsFailedCounter(stage);
        if (jobFailed) {
            jobs.increment();
        }
    }

    private Counter deadLetterCounter(String stage, String deadLetterTopic) {
        return Counter.builder(DEAD_LETTERS).description("Records sent to a dead-letter topic")
                .tags("stage", stage, "topic", deadLetterTopic).register(registry);
    }

    private Counter jobsFailedCounter(String stage) {
        return Counter.builder(JOBS_FAILED).description("Jobs marked FAILED by a stage").tags("stage", stage)
                .register(registry);
    }

    /**
     * Binds the Kafka client's own metrics of a listener's consumer (lag among them) with the
     * stage as a label; once per consumer.
     */
    public void bindConsumer(String stage, Consumer<?, ?> consumer) {
        synchronized (consumers) {
            if (!consumers.containsKey(consumer)) {
                KafkaClientMetrics m = new KafkaClientMetrics(consumer, Tags.of("stage", stage));
                m.bindTo(registry);
                consumers.put(consumer, m);
            }
        }
    }

    /**
     * The label of a failure: the problem of bad input ({@code malformed_json},
     * {@code checkpoint_hash_mismatch}, …, or {@code invalid_input}), else the error's class.
     */
    public static String reasonOf(Throwable error) {
        Throwable root = Failures.rootOf(error);
        if (root instanceof BadEventException b) {
            return b.problem().name().toLowerCase(Locale.ROOT);
        }
        if (root instanceof InvalidInputException) {
            return "invalid_input";
        }
        return root.getClass().getSimpleName();
    }

    private void completed(JobCompleted done) {
        String method = String.valueOf(done.plan() == null ? "unknown" : done.plan().getOrDefault("method", "unknown"));
        Counter.builder(JOBS_COMPLETED).description("Jobs that reached their result").tags("method", method)
                .register(registry).increment();
        Timer.builder(JOB_DURATION).description("A job's time from submission to its result").tags("method", method)
                .serviceLevelObjectives(JOB_BUCKETS).register(registry)
                .record(Duration.ofMillis(Math.round(done.totalSeconds() * 1000)));
        AtomicReference<JobCompleted> last = lastByMethod.computeIfAbsent(method, m -> {
            AtomicReference<JobCompleted> ref = new AtomicReference<>();
            Tags tags = Tags.of("method", m);
            gauge(LAST_PRUNED_ACCURACY + ".ratio", "Test accuracy of the last finished job's pruned model (0..1)", tags,
                    ref, JobCompleted::prunedAccuracy);
            gauge(LAST_DENSE_ACCURACY + ".ratio", "Test accuracy of the last finished job's dense model (0..1)", tags,
                    ref, JobCompleted::denseAccuracy);
            gauge(LAST_SPARSITY + ".ratio", "Sparsity the last finished job reached (share of weights that are zero)",
                    tags, ref, JobCompleted::achievedSparsity);
            gauge(LAST_INTRA_MODULE_SHARE + ".ratio",
                    "Share of the last finished job's surviving weights inside a module (NaN without modules)", tags, ref,
                    StageMetrics::intraModuleShare);
            gauge(LAST_COMPLETED + ".seconds", "When the last job finished (Unix time)", tags, ref,
                    j -> j.completedAt() / 1000.0);
            return ref;
        });
        last.set(done);
    }

    private void gauge(String name, String description, Tags tags, AtomicReference<JobCompleted> ref,
            java.util.function.ToDoubleFunction<JobCompleted> f) {
        Gauge.builder(name, ref, r -> r.get() == null ? Double.NaN : f.applyAsDouble(r.get()))
                .description(description).tags(tags).register(registry);
    }

    /** The last round's intra-module share of surviving weights; NaN for a job without modules. */
    static double intraModuleShare(JobCompleted j) {
        if (j.rounds().isEmpty()) {
            return Double.NaN;
        }
        RoundResult last = j.rounds().get(j.rounds().size() - 1);
        Object v = last.metrics() == null ? null : last.metrics().get("intraModuleSurvivorShare");
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
        }
        return d;
    }

    private AtomicInteger inFlight(String stage) {
        return inFlight.computeIfAbsent(stage, s -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder(IN_FLIGHT, n, AtomicInteger::get).description("Records a stage is working on now")
                    .tags("stage", s).register(registry);
            return n;
        });
    }

    private void bytes(String name, String stage, String direction, long n) {
        Counter c = Counter.builder(name).baseUnit("bytes")
                .description(name.equals(CHECKPOINT_BYTES) ? "Checkpoint payload bytes (before compression) a stage read or wrote"
                        : "Kafka record value bytes a stage received or sent")
                .tags("stage", stage, "direction", direction).register(registry);
        if (n > 0) {
            c.increment(n);
        }
    }

    @Override
    @PreDestroy
    public void close() {
        synchronized (consumers) {
            consumers.values().forEach(KafkaClientMetrics::close);
            consumers.clear();
        }
    }
}
