package io.crespr.shared.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.FileCheckpointStore;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPipeline;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five handlers chained through their topics in memory, every event and payload encoded and
 * decoded as on Kafka, give exactly the numbers of {@link PruningPipeline} for the same plan.
 */
class HandlersMatchPipelineTest {

    @TempDir
    Path store;

    /** Runs a job through the handlers; returns the result and the topics in the order they were written. */
    static JobRun runThroughHandlers(Map<String, Object> settings, CheckpointTransport transport) {
        StageContext ctx = new StageContext(transport, new DataCache(null));
        Map<String, StageHandler> byTopic = new HashMap<>();
        StageHandler training = new TrainingHandler(ctx, Map.of());
        byTopic.put(Topics.JOBS_NAME, training);
        byTopic.put(Topics.CHECKPOINTS_PRUNED_NAME, training);
        byTopic.put(Topics.CHECKPOINTS_TRAINED_NAME, new EvaluationHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_EVALUATED_NAME, new ClusteringHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_CLUSTERED_NAME, new ScoringHandler(ctx));
        byTopic.put(Topics.CHECKPOINTS_SCORED_NAME, new PruningHandler(ctx));
        Deque<Outgoing> queue = new ArrayDeque<>();
        queue.add(new Outgoing(Topics.JOBS, "job-1", JobSubmitted.of("job-1", settings)));
        List<String> topics = new ArrayList<>();
        List<JobStatus> statuses = new ArrayList<>();
        JobCompleted done = null;
        while (!queue.isEmpty()) {
            Outgoing o = queue.poll();
            topics.add(o.topic().name());
            byte[] bytes = EventCodec.encode(o.value());
            if (o.topic() == Topics.RESULTS) {
                done = EventCodec.decode(bytes, JobCompleted.class);
            } else if (o.topic() == Topics.JOB_STATUS) {
                statuses.add(EventCodec.decode(bytes, JobStatus.class));
            } else {
                queue.addAll(byTopic.get(o.topic().name()).handle(o.topic().name(), o.key(), bytes, statuses::add));
            }
        }
        return new JobRun(done, topics, statuses);
    }

    record JobRun(JobCompleted done, List<String> topics, List<JobStatus> statuses) {
    }

    @Test
    void layerwiseHessianPruningThroughTheHandlersMatchesToo() {
        Map<String, Object> settings = new HashMap<>(Map.of("dataset", "synthetic", "arch", "mlp:16", "method", "obs",
                "targetSparsity", 0.95, "rounds", 3, "denseEpochs", 1, "seed", 2L,
                "evaluators", List.of("accuracy", "sparsity")));
        PruningPlan plan = Plans.build(settings, null);
        PruningResult reference = new PruningPipeline(plan, Datasets.load("synthetic", null, plan.seed()), null).run();
        CheckpointTransport transport = new CheckpointTransport(new FileCheckpointStore(store), 1 << 20,
                KafkaLimits.defaults());
        PruningResult streamed = JobResults.toPruningResult(runThroughHandlers(settings, transport).done(), transport);
        assertThat(streamed.pruned().params()).usingRecursiveComparison().isEqualTo(reference.pruned().params());
        assertThat(streamed.pruned().masks()).isEqualTo(reference.pruned().masks());
        for (int i = 0; i < 3; i++) {
            assertThat(json(streamed.rounds().get(i))).isEqualTo(json(reference.rounds().get(i)));
        }
    }

    @Test
    void theHandlersGiveTheNumbersOfTheSingleProcess() {
        Map<String, Object> settings = new HashMap<>(Map.of("dataset", "synthetic", "arch", "mlp:16", "method", "crespr",
                "targetSparsity", 0.9, "rounds", 3, "denseEpochs", 2, "seed", 5L,
                "evaluators", List.of("accuracy", "sparsity", "cost", "structure")));
        settings.put("options", Map.of("clusterer", Map.of("k", "3", "kChoices", "2,3")));
        PruningPlan plan = Plans.build(settings, null);
        PruningResult reference = new PruningPipeline(plan, Datasets.load("synthetic", null, plan.seed()), null).run();

        // a tiny inline limit, so the dense model goes through the store and small ones inline
        CheckpointTransport transport = new CheckpointTransport(new FileCheckpointStore(store), 4096,
                KafkaLimits.defaults());
        JobRun run = runThroughHandlers(settings, transport);
        PruningResult streamed = JobResults.toPruningResult(run.done(), transport);

        assertThat(streamed.plan()).isEqualTo(reference.plan());
        assertThat(streamed.dense().params()).usingRecursiveComparison().isEqualTo(reference.dense().params());
        assertThat(streamed.pruned().params()).usingRecursiveComparison().isEqualTo(reference.pruned().params());
        assertThat(streamed.pruned().masks()).isEqualTo(reference.pruned().masks());
        assertThat(streamed.pruned().modules()).isEqualTo(reference.pruned().modules());
        assertThat(json(streamed.denseRound())).isEqualTo(json(reference.denseRound()));
        assertThat(streamed.rounds()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(json(streamed.rounds().get(i))).as("round " + (i + 1))
                    .isEqualTo(json(reference.rounds().get(i)));
            assertThat(streamed.rounds().get(i).seconds().keySet())
                    .containsExactlyElementsOf(reference.rounds().get(i).seconds().keySet());
        }
        assertThat(streamed.stageSeconds().keySet()).containsExactlyElementsOf(reference.stageSeconds().keySet());

        // crespr clusters in round 1 only: evaluation routes round 1 to clustering, rounds 2 and 3 to scoring
        assertThat(run.topics()).containsExactly(Topics.JOBS_NAME, Topics.CHECKPOINTS_TRAINED_NAME,
                Topics.CHECKPOINTS_EVALUATED_NAME, Topics.CHECKPOINTS_CLUSTERED_NAME, Topics.CHECKPOINTS_SCORED_NAME,
                Topics.CHECKPOINTS_PRUNED_NAME, Topics.CHECKPOINTS_TRAINED_NAME,
                Topics.CHECKPOINTS_CLUSTERED_NAME, Topics.CHECKPOINTS_SCORED_NAME, Topics.CHECKPOINTS_PRUNED_NAME,
                Topics.CHECKPOINTS_TRAINED_NAME,
                Topics.CHECKPOINTS_CLUSTERED_NAME, Topics.CHECKPOINTS_SCORED_NAME, Topics.CHECKPOINTS_PRUNED_NAME,
                Topics.CHECKPOINTS_TRAINED_NAME, Topics.RESULTS_NAME, Topics.JOB_STATUS_NAME);
        assertThat(run.statuses()).extracting(JobStatus::state).startsWith(JobState.TRAINING, JobState.EVALUATING,
                JobState.CLUSTERING, JobState.SCORING, JobState.PRUNING, JobState.TRAINING, JobState.EVALUATING,
                JobState.SCORING).endsWith(JobState.EVALUATING, JobState.COMPLETED);
        assertThat(run.done().pruned().inline()).isTrue();
        assertThat(run.done().dense().inline()).isFalse();
    }

    /** Metrics compared as JSON: a long in process is an int after a trip through JSON, the same number. */
    private static com.fasterxml.jackson.databind.JsonNode json(RoundResult r) {
        try {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(EventCodec.encode(r));
            tree.remove("seconds");
            // the last round's inference timings are wall times: compare which figures there are, not their values
            if (tree.get("metrics") instanceof com.fasterxml.jackson.databind.node.ObjectNode m
                    && m.get("inference") instanceof com.fasterxml.jackson.databind.node.ObjectNode inference) {
                var names = m.putArray("inference");
                inference.fieldNames().forEachRemaining(names::add);
            }
            return tree;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
