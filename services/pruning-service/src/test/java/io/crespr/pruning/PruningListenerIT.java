package io.crespr.pruning;

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

/** Pruning-service's real listener on a real broker. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PruningListenerIT implements TestPropertyProvider {

    private static final Path STORE = tempDir();

    @Inject
    CheckpointTransport transport;

    @Override
    public Map<String, String> getProperties() {
        return TestKafka.contextProperties(STORE);
    }

    @Test
    void prunesToTheRoundsSparsity() {
        CheckpointEvent in = PipelineFixtures.firstEventOn(Topics.CHECKPOINTS_SCORED, "pruning-it",
                PipelineFixtures.tinyPlan(), transport);
        TopicProbe.send(Topics.CHECKPOINTS_SCORED, "pruning-it", in);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> !TopicProbe.events(Topics.CHECKPOINTS_PRUNED, "pruning-it").isEmpty());
        CheckpointEvent out = TopicProbe.events(Topics.CHECKPOINTS_PRUNED, "pruning-it").get(0);
        assertThat(out.event()).isEqualTo(CheckpointEvent.CHECKPOINT_PRUNED);
        assertThat(out.saliency()).isNull();
        var pruned = transport.checkpoint(out.checkpoint());
        var steps = new io.crespr.shared.stage.StageSteps(io.crespr.shared.streaming.StageContext.plan(in.plan()),
                io.crespr.shared.data.Datasets.load("synthetic", null, 3L));
        long n = pruned.prunableCount();
        assertThat(pruned.sparsity()).isEqualTo((double) Math.round(steps.targetOf(1) * n) / n);
        assertThat(TopicProbe.events(Topics.JOB_STATUS, "pruning-it")).extracting(JobStatus::state)
                .containsExactly(JobState.PRUNING);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-service-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
