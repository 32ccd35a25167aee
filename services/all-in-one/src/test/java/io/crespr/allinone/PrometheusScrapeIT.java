package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crespr.allinone.ops.OpsTools;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.RoundResult;
import io.crespr.shared.stage.StageSteps;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TestKafka;
import io.crespr.testkit.TopicProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real Prometheus server (Debian package {@code prometheus}) scrapes the one-JVM pipeline's
 * {@code /prometheus} on loopback while a job and a bad record go through; its HTTP API must then
 * report the stage timers, the dead letter and the finished job's figures as the job's result
 * gives them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StreamingPipeline pipeline;
    private JobClient client;
    private Process prometheus;
    private URI metrics;
    private URI prometheusApi;
    private Path dir;
    private JobCompleted done;
    private int rounds;

    @BeforeAll
    void start() throws Exception {
        Path binary = OpsTools.require("prometheus");
        dir = Files.createTempDirectory("crespr-prometheus-it-");
        Map<String, Object> settings = new HashMap<>();
        settings.put("micronaut.server.port", -1);
        settings.put("micronaut.server.host", "127.0.0.1");
        pipeline = StreamingPipeline.start(TestKafka.bootstrapServers(), dir.resolve("store"), settings);
        metrics = pipeline.serveMetrics();
        client = new JobClient(TestKafka.bootstrapServers(), KafkaLimits.defaults());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: crespr
                    metrics_path: /prometheus
                    static_configs:
                      - targets: ['%s:%d']
                """.formatted(metrics.getHost(), metrics.getPort()));
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        prometheusApi = URI.create("http://127.0.0.1:" + port + "/api/v1/");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> query("up{job=\"crespr\"}").path(0).path("value").path(1).asText().equals("1"));

        // a bad record on the evaluation stage's input, then a small crespr job
        TopicProbe.send(Topics.CHECKPOINTS_TRAINED_NAME, "prometheus-it-bad", "{\"schemaVersion\":1,\"jobId\":"
                .getBytes(StandardCharsets.UTF_8));
        PruningPlan p = Plans.build(PipelineFixtures.tinyPlan(), null);
        rounds = new StageSteps(p, Datasets.load(p.dataset(), null, p.seed())).rounds();
        try (JobClient.Watch watch = client.watch("prometheus-it-job")) {
            client.submit("prometheus-it-job", Plans.toMap(p), rounds);
            done = watch.await(Duration.ofSeconds(120), s -> { });
        }
        // until Prometheus has scraped the finished job
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> value("crespr_jobs_completed_total{method=\"crespr\"}") == 1.0);
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
        if (client != null) {
            client.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void prometheusSeesTheStageTimersTheDeadLetterAndTheFinishedJobAsTheResultGivesThem() throws Exception {
        // given the job and the bad record of start(), scraped by Prometheus
        // then the finished job's figures are the result's, to the last digit
        RoundResult last = done.rounds().get(done.rounds().size() - 1);
        assertThat(value("crespr_job_last_pruned_accuracy_ratio{method=\"crespr\"}")).isEqualTo(done.prunedAccuracy());
        assertThat(value("crespr_job_last_dense_accuracy_ratio{method=\"crespr\"}")).isEqualTo(done.denseAccuracy());
        assertThat(value("crespr_job_last_sparsity_ratio{method=\"crespr\"}")).isEqualTo(done.achievedSparsity())
                .isCloseTo(0.9, within(0.01));
        assertThat(value("crespr_job_last_intra_module_share_ratio{method=\"crespr\"}"))
                .isEqualTo(((Number) last.metrics().get("intraModuleSurvivorShare")).doubleValue());
        assertThat(value("crespr_job_duration_seconds_count{method=\"crespr\"}")).isEqualTo(1.0);
        assertThat(value("crespr_job_duration_seconds_sum{method=\"crespr\"}"))
                .isCloseTo(done.totalSeconds(), within(0.002));

        // and each stage's timer counted the job's records: dense training and evaluation, then each round
        Map<String, Double> counts = byStage("sum by (stage) (crespr_stage_processing_seconds_count{outcome=\"success\"})");
        assertThat(counts).containsEntry("training", (double) rounds + 1).containsEntry("evaluation", (double) rounds + 1)
                .containsEntry("hessian", (double) rounds).containsEntry("pruning", (double) rounds);
        assertThat(counts.get("clustering")).isBetween(1.0, (double) rounds);
        assertThat(value("crespr_stage_processing_seconds_bucket{stage=\"pruning\",outcome=\"success\",le=\"+Inf\"}"))
                .isEqualTo(rounds);
        // a stage's time per record includes its work as the result measured it
        Map<String, Double> seconds = byStage("sum by (stage) (crespr_stage_processing_seconds_sum{outcome=\"success\"})");
        assertThat(seconds.get("pruning")).isGreaterThanOrEqualTo(done.stageSeconds().get("prune"));
        assertThat(seconds.get("training")).isGreaterThanOrEqualTo(done.stageSeconds().get("train")
                + done.stageSeconds().get("fine-tune"));

        // and the bad record: one dead letter, one failure by its reason, nothing left in flight
        assertThat(value("crespr_dead_letters_total{stage=\"evaluation\",topic=\"crespr.checkpoints.trained.v1.dlt\"}"))
                .isEqualTo(1.0);
        assertThat(value("crespr_stage_failures_total{stage=\"evaluation\",reason=\"malformed_json\"}")).isEqualTo(1.0);
        assertThat(value("crespr_stage_processing_seconds_count{stage=\"evaluation\",outcome=\"dead_letter\"}"))
                .isEqualTo(1.0);
        assertThat(byStage("crespr_stage_records_in_flight").values()).hasSize(5).containsOnly(0.0);

        // and checkpoints moved: what pruning wrote, training read back
        assertThat(value("crespr_checkpoint_bytes_total{stage=\"pruning\",direction=\"out\"}")).isPositive()
                .isEqualTo(value("crespr_checkpoint_bytes_total{stage=\"training\",direction=\"in\"}"));
        // and the Kafka client's lag is there for every stage
        assertThat(byStage("max by (stage) (kafka_consumer_fetch_manager_records_lag_max)").keySet())
                .containsExactlyInAnyOrder("training", "clustering", "hessian", "pruning", "evaluation");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsUseExistsInARealScrape() throws Exception {
        // given what the scrape exposes after the job and the bad record
        Set<String> exposed = new TreeSet<>();
        for (String line : http.send(HttpRequest.newBuilder(metrics.resolve("/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        // then every name a dashboard panel or an alert rule uses is among them (but up, which Prometheus adds)
        assertThat(io.crespr.allinone.ops.DeployMetricNames.exported()).isNotEmpty().allSatisfy(name ->
                assertThat(exposed).as("exposed metric names").contains(name));
    }

    private double value(String promql) throws Exception {
        JsonNode result = query(promql);
        assertThat(result.size()).as("series of " + promql).isEqualTo(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private Map<String, Double> byStage(String promql) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        for (JsonNode r : query(promql)) {
            out.put(r.path("metric").path("stage").asText(), Double.parseDouble(r.path("value").get(1).asText()));
        }
        return out;
    }

    private JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(prometheusApi.resolve("query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).as(promql + ": " + r.body()).isEqualTo("success");
        return body.path("data").path("result");
    }
}
