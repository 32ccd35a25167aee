package io.crespr.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
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

/** training-service's real listener on a real broker. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingListenerIT implements TestPropertyProvider {

    private static final Path STORE = tempDir();

    @Inject
    CheckpointTransport transport;

    @Override
    public Map<String, String> getProperties() {
        return TestKafka.contextProperties(STORE);
    }

    @Test
    void trainsASubmittedJobDenselyAndFineTunesAPrunedCheckpoint() {
        // given a new job, and a pruned checkpoint of another job's first round
        TopicProbe.send(Topics.JOBS, "training-it-dense", JobSubmitted.of("training-it-dense", PipelineFixtures.tinyPlan()));
        CheckpointEvent pruned = PipelineFixtures.firstEventOn(Topics.CHECKPOINTS_PRUNED, "training-it-tune",
                PipelineFixtures.tinyPlan(), transport);
        TopicProbe.send(Topics.CHECKPOINTS_PRUNED, "training-it-tune", pruned);

        // then each comes out trained on checkpoints.trained, once
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                TopicProbe.events(Topics.CHECKPOINTS_TRAINED, "training-it-dense").size()
                        + TopicProbe.events(Topics.CHECKPOINTS_TRAINED, "training-it-tune").size() == 2);
        CheckpointEvent dense = TopicProbe.events(Topics.CHECKPOINTS_TRAINED, "training-it-dense").get(0);
        assertThat(dense.event()).isEqualTo(CheckpointEvent.CHECKPOINT_TRAINED);
        assertThat(dense.round()).isZero();
        assertThat(dense.rounds()).isEqualTo(2);
        assertThat(dense.stageSeconds()).containsOnlyKeys("train");
        Checkpoint denseCheckpoint = transport.checkpoint(dense.checkpoint());
        assertThat(denseCheckpoint.sparsity()).isZero();
        assertThat(denseCheckpoint.provenance().stage()).isEqualTo("train");

        CheckpointEvent tuned = TopicProbe.events(Topics.CHECKPOINTS_TRAINED, "training-it-tune").get(0);
        assertThat(tuned.round()).isEqualTo(1);
        assertThat(tuned.roundSeconds()).containsKeys("cluster", "score", "prune", "fine-tune");
        Checkpoint tunedCheckpoint = transport.checkpoint(tuned.checkpoint());
        assertThat(tunedCheckpoint.masks()).isEqualTo(transport.checkpoint(pruned.checkpoint()).masks());
        assertThat(tunedCheckpoint.provenance().stage()).isEqualTo("fine-tune");

        assertThat(TopicProbe.events(Topics.JOB_STATUS, "training-it-dense")).extracting(JobStatus::state)
                .containsExactly(JobState.TRAINING);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-training-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
