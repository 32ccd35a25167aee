package io.crespr.testkit;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.streaming.ClusteringHandler;
import io.crespr.shared.streaming.DataCache;
import io.crespr.shared.streaming.EvaluationHandler;
import io.crespr.shared.streaming.Outgoing;
import io.crespr.shared.streaming.PruningHandler;
import io.crespr.shared.streaming.ScoringHandler;
import io.crespr.shared.streaming.StageContext;
import io.crespr.shared.streaming.StageHandler;
import io.crespr.shared.streaming.TrainingHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tiny jobs for the tests, and the events a stage's input topic would carry, made in memory. */
public final class PipelineFixtures {

    private PipelineFixtures() {
    }

    /** A job that runs in about a second: synthetic data, a 16-unit MLP, 2 rounds, 1 dense epoch. */
    public static Map<String, Object> tinyPlan() {
        Map<String, Object> m = new HashMap<>();
        m.put("dataset", "synthetic");
        m.put("arch", "mlp:16");
        m.put("method", "crespr");
        m.put("targetSparsity", 0.9);
        m.put("rounds", 2);
        m.put("denseEpochs", 1);
        m.put("seed", 3L);
        m.put("evaluators", List.of("accuracy", "sparsity", "cost", "structure"));
        m.put("options", Map.of("clusterer", Map.of("k", "2")));
        return m;
    }

    /**
     * Runs the job in memory until the first event on {@code topic}, and returns it as that topic
     * would carry it.
     */
    public static CheckpointEvent firstEventOn(TopicSpec<CheckpointEvent> topic, String jobId, Map<String, Object> plan,
            CheckpointTransport transport) {
        return eventOn(topic, -1, jobId, plan, transport);
    }

    /**
     * Runs the job in memory to its end and returns the first event each checkpoint topic would
     * carry, as it would carry it.
     */
    public static Map<TopicSpec<?>, CheckpointEvent> firstEvents(String jobId, Map<String, Object> plan,
            CheckpointTransport transport) {
        Map<TopicSpec<?>, CheckpointEvent> first = new java.util.LinkedHashMap<>();
        run(jobId, plan, transport, o -> {
            if (o.value() instanceof CheckpointEvent e && !first.containsKey(o.topic())) {
                first.put(o.topic(), EventCodec.decode(EventCodec.encode(e), CheckpointEvent.class));
            }
            return false;
        });
        return first;
    }

    /**
     * A zstd frame of RLE blocks that announces and expands to {@code size} zero bytes: 4 bytes
     * per 128 KiB, so 32 KiB of it make 1 GiB (a compression bomb).
     */
    public static byte[] zstdBomb(long size) {
        int block = 128 * 1024;
        long blocks = (size + block - 1) / block;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) (14 + 4 * blocks))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xFD2FB528); // magic
        b.put((byte) 0xC0); // 8-byte content size, not single-segment, no checksum, no dictionary
        b.put((byte) (7 << 3)); // window 128 KiB
        b.putLong(size);
        for (long i = 0; i < blocks; i++) {
            long n = Math.min(block, size - i * block);
            int header = (int) (n << 3) | (1 << 1) | (i == blocks - 1 ? 1 : 0); // an RLE block of n bytes
            b.put((byte) header).put((byte) (header >>> 8)).put((byte) (header >>> 16)).put((byte) 0);
        }
        return b.array();
    }

    /** As {@link #firstEventOn}, for the event of round {@code round} (-1: the first of any round). */
    public static CheckpointEvent eventOn(TopicSpec<CheckpointEvent> topic, int round, String jobId,
            Map<String, Object> plan, CheckpointTransport transport) {
        CheckpointEvent[] found = new CheckpointEvent[1];
        run(jobId, plan, transport, o -> {
            if (o.topic() == topic && (round < 0 || ((CheckpointEvent) o.value()).round() == round)) {
                found[0] = EventCodec.decode(EventCodec.encode(o.value()), CheckpointEvent.class);
                return true;
            }
            return false;
        });
        if (found[0] == null) {
            throw new IllegalStateException("the job never reached " + topic.name());
        }
        return found[0];
    }

    /** Runs the job through the handlers in memory, showing each event to {@code stop} until it says stop. */
    private static void run(String jobId, Map<String, Object> plan, CheckpointTransport transport,
            java.util.function.Predicate<Outgoing> stop) {
        StageContext ctx = new StageContext(transport, new DataCache(null));
        Map<String, StageHandler> byTopic = new HashMap<>();
        TrainingHandler training = new TrainingHandler(ctx, Map.of());
        byTopic.put(Topics.JOBS_NAME, training);
        byTopic.put(Topics.CHECKPOINTS_PRUNED_NAME, training);
        byTopic.put(Topics.CHECKPOINTS_TRAINED_NAME, new EvaluationHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_EVALUATED_NAME, new ClusteringHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_CLUSTERED_NAME, new ScoringHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_SCORED_NAME, new PruningHandler(ctx));
        List<Outgoing> queue = new ArrayList<>(List.of(new Outgoing(Topics.JOBS, jobId, JobSubmitted.of(jobId, plan))));
        List<JobStatus> ignored = new ArrayList<>();
        while (!queue.isEmpty()) {
            Outgoing o = queue.remove(0);
            if (stop.test(o)) {
                return;
            }
            StageHandler h = byTopic.get(o.topic().name());
            if (h != null) {
                queue.addAll(h.handle(o.topic().name(), o.key(), EventCodec.encode(o.value()), ignored::add));
            }
        }
    }
}
