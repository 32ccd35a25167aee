package io.crespr.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.Topics;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TestKafka;
import io.crespr.testkit.TopicProbe;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Evaluation-service's real listener on a real broker. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationListenerIT implements TestPropertyProvider {

    private static final Path STORE = tempDir();

    @Inject
    CheckpointTransport transport;

    @Override
    public Map<String, String> getProperties() {
        return TestKafka.contextProperties(STORE);
    }

    @Test
    void routesTheDenseModelToClusteringAndTheLastRoundToTheResults() {
        CheckpointEvent dense = PipelineFixtures.eventOn(Topics.CHECKPOINTS_TRAINED, 0, "evaluation-it-dense",
                PipelineFixtures.tinyPlan(), transport);
        CheckpointEvent last = PipelineFixtures.eventOn(Topics.CHECKPOINTS_TRAINED, 2, "evaluation-it-last",
                PipelineFixtures.tinyPlan(), transport);
        TopicProbe.send(Topics.CHECKPOINTS_TRAINED, "evaluation-it-dense", dense);
        TopicProbe.send(Topics.CHECKPOINTS_TRAINED, "evaluation-it-last", last);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> !TopicProbe.events(Topics.CHECKPOINTS_EVALUATED, "evaluation-it-dense").isEmpty()
                        && !TopicProbe.events(Topics.RESULTS, "evaluation-it-last").isEmpty());
        // round 0 evaluated, routed to clustering as round 1, the dense model kept in the store
        CheckpointEvent routed = TopicProbe.events(Topics.CHECKPOINTS_EVALUATED, "evaluation-it-dense").get(0);
        assertThat(routed.event()).isEqualTo(CheckpointEvent.EVALUATION_COMPLETED);
        assertThat(routed.round()).isEqualTo(1);
        assertThat(routed.history()).extracting(r -> r.round()).containsExactly(0);
        assertThat(routed.dense().inline()).isFalse();
        assertThat(transport.checkpoint(routed.dense()).params())
                .usingRecursiveComparison().isEqualTo(transport.checkpoint(dense.checkpoint()).params());

        // the last round ends the job: one result, status COMPLETED
        var result = TopicProbe.events(Topics.RESULTS, "evaluation-it-last");
        assertThat(result).hasSize(1);
        assertThat(result.get(0).rounds()).extracting(r -> r.round()).containsExactly(1, 2);
        assertThat(result.get(0).achievedSparsity()).isEqualTo(result.get(0).rounds().get(1).sparsity());
        assertThat(TopicProbe.events(Topics.JOB_STATUS, "evaluation-it-last")).extracting(JobStatus::state)
                .containsExactly(JobState.EVALUATING, JobState.COMPLETED);
        assertThat(TopicProbe.events(Topics.RESULTS, "evaluation-it-dense")).isEmpty();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-service-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
