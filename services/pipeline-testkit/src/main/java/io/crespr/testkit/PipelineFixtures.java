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

    /** As {@link #firstEventOn}, for the event of round {@code round} (-1: the first of any round). */
    public static CheckpointEvent eventOn(TopicSpec<CheckpointEvent> topic, int round, String jobId,
            Map<String, Object> plan, CheckpointTransport transport) {
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
            if (o.topic() == topic && (round < 0 || ((CheckpointEvent) o.value()).round() == round)) {
                return EventCodec.decode(EventCodec.encode(o.value()), CheckpointEvent.class);
            }
            StageHandler h = byTopic.get(o.topic().name());
            if (h != null) {
                queue.addAll(h.handle(o.topic().name(), o.key(), EventCodec.encode(o.value()), ignored::add));
            }
        }
        throw new IllegalStateException("the job never reached " + topic.name());
    }
}
