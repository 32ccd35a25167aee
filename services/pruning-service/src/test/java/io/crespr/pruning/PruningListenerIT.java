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
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    @Inject
    EmbeddedServer server;

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

        // and the service's own /prometheus counted the record, with the checkpoint bytes it read and wrote
        String scrape = get("/prometheus").body();
        assertThat(scrape).contains("crespr_stage_processing_seconds_count{outcome=\"success\",stage=\"pruning\","
                + "topic=\"crespr.checkpoints.scored.v1\"} 1")
                .contains("crespr_checkpoint_bytes_total{direction=\"out\",stage=\"pruning\"} "
                        + (double) out.checkpoint().bytes())
                .contains("crespr_checkpoint_bytes_total{direction=\"in\",stage=\"pruning\"} "
                        + (double) in.checkpoint().bytes())
                .contains("kafka_consumer_fetch_manager_records_lag_max{");
    }

    @Test
    void servesHealthAndMetricsAndNoOtherManagementEndpoint() {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("diskSpace").doesNotContain("clusterId");
        assertThat(get("/prometheus").statusCode()).isEqualTo(200);
        for (String off : new String[] {"/env", "/beans", "/loggers", "/refresh", "/routes", "/threaddump", "/info",
                "/stop", "/caches"}) {
            assertThat(get(off).statusCode()).as(off).isIn(401, 403, 404);
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crespr-service-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
