package io.crespr.hessian;

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

/** Hessian-service's real listener on a real broker. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HessianListenerIT implements TestPropertyProvider {

    private static final Path STORE = tempDir();

    @Inject
    CheckpointTransport transport;

    @Override
    public Map<String, String> getProperties() {
        return TestKafka.contextProperties(STORE);
    }

    @Test
    void scoresEveryWeightAndSendsTheSaliencyWithTheUnchangedCheckpoint() {
        CheckpointEvent in = PipelineFixtures.firstEventOn(Topics.CHECKPOINTS_CLUSTERED, "hessian-it",
                PipelineFixtures.tinyPlan(), transport);
        TopicProbe.send(Topics.CHECKPOINTS_CLUSTERED, "hessian-it", in);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> !TopicProbe.events(Topics.CHECKPOINTS_SCORED, "hessian-it").isEmpty());
        CheckpointEvent out = TopicProbe.events(Topics.CHECKPOINTS_SCORED, "hessian-it").get(0);
        assertThat(out.event()).isEqualTo(CheckpointEvent.SALIENCY_SCORED);
        assertThat(out.checkpoint()).isEqualTo(in.checkpoint());
        var saliency = transport.saliency(out.saliency());
        var weights = transport.checkpoint(in.checkpoint()).weights();
        assertThat(saliency.values()).containsOnlyKeys(weights.stream().map(w -> w.name()).toArray(String[]::new));
        weights.forEach(w -> assertThat(saliency.values().get(w.name())).hasSize(w.size()));
        assertThat(out.roundSeconds()).containsKeys("cluster", "score");
        assertThat(TopicProbe.events(Topics.JOB_STATUS, "hessian-it")).extracting(JobStatus::state)
                .containsExactly(JobState.SCORING);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-service-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
