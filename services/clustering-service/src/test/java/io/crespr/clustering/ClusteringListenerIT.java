package io.crespr.clustering;

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

/** Clustering-service's real listener on a real broker. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteringListenerIT implements TestPropertyProvider {

    private static final Path STORE = tempDir();

    @Inject
    CheckpointTransport transport;

    @Override
    public Map<String, String> getProperties() {
        return TestKafka.contextProperties(STORE);
    }

    @Test
    void assignsModulesAndHandsTheCheckpointToScoring() {
        CheckpointEvent in = PipelineFixtures.firstEventOn(Topics.CHECKPOINTS_EVALUATED, "clustering-it",
                PipelineFixtures.tinyPlan(), transport);
        assertThat(transport.checkpoint(in.checkpoint()).modules().isEmpty()).isTrue();
        TopicProbe.send(Topics.CHECKPOINTS_EVALUATED, "clustering-it", in);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> !TopicProbe.events(Topics.CHECKPOINTS_CLUSTERED, "clustering-it").isEmpty());
        CheckpointEvent out = TopicProbe.events(Topics.CHECKPOINTS_CLUSTERED, "clustering-it").get(0);
        assertThat(out.event()).isEqualTo(CheckpointEvent.MODULES_ASSIGNED);
        assertThat(out.round()).isEqualTo(1);
        assertThat(out.history()).hasSize(1);
        assertThat(out.roundSeconds()).containsOnlyKeys("cluster");
        assertThat(transport.checkpoint(out.checkpoint()).modules().k()).isEqualTo(2);
        assertThat(TopicProbe.events(Topics.JOB_STATUS, "clustering-it")).extracting(JobStatus::state)
                .containsExactly(JobState.CLUSTERING);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-service-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
