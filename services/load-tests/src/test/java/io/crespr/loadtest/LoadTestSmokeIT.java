package io.crespr.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crespr.testkit.TestKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke scenario through the five services in this JVM, on the test broker. */
class LoadTestSmokeIT {

    @TempDir
    Path out;

    @Test
    void everyJobCompletesAndTheFiguresAddUp() throws Exception {
        int code = LoadSpecTest.call("--scenario", "smoke", "--bootstrap-servers", TestKafka.bootstrapServers(),
                "--with-services", "--out", out.toString(), "--sample-interval", "250ms");

        assertThat(code).isZero();
        JsonNode r = new ObjectMapper().readTree(out.resolve(LoadReport.FILE).toFile());
        assertThat(r.path("scenario").asText()).isEqualTo("smoke");
        assertThat(r.path("mode").asText()).isEqualTo("services in this JVM");
        JsonNode jobs = r.path("jobs");
        assertThat(jobs.path("submitted").asInt()).isEqualTo(3);
        assertThat(jobs.path("completed").asInt()).isEqualTo(3);
        assertThat(jobs.path("failed").asInt()).isZero();
        assertThat(jobs.path("lost").asInt()).isZero();
        assertThat(jobs.path("completed").asInt() + jobs.path("failed").asInt() + jobs.path("lost").asInt())
                .isEqualTo(jobs.path("submitted").asInt());

        JsonNode lat = r.path("latencyMillis");
        assertThat(lat.path("count").asInt()).isEqualTo(3);
        assertThat(lat.path("min").asDouble()).isPositive();
        assertThat(lat.path("p50").asDouble()).isLessThanOrEqualTo(lat.path("p95").asDouble());
        assertThat(lat.path("p95").asDouble()).isLessThanOrEqualTo(lat.path("p99").asDouble());
        assertThat(lat.path("p99").asDouble()).isLessThanOrEqualTo(lat.path("max").asDouble());
        // the client sees the result after the pipeline stamped it: latency covers the server's time
        assertThat(lat.path("max").asDouble() / 1e3)
                .isGreaterThanOrEqualTo(r.path("serverTotalSeconds").path("max").asDouble() - 0.05);
        assertThat(r.path("throughputJobsPerMinute").asDouble()).isPositive();

        // every stage computed something for every job, and the status spans cover the same stages
        List<String> stages = new ArrayList<>();
        r.path("stageComputeSeconds").fieldNames().forEachRemaining(stages::add);
        assertThat(stages).containsExactlyInAnyOrder("training", "clustering", "hessian", "pruning", "evaluation");
        r.path("stageComputeSeconds").forEach(s -> assertThat(s.path("count").asInt()).isEqualTo(3));
        assertThat(r.path("stageStatusSeconds").path("training").path("count").asInt()).isEqualTo(3);
        assertThat(r.path("stageStatusSeconds").path("evaluation").path("count").asInt()).isEqualTo(3);

        // lag was sampled for every stage's group
        List<String> lagged = new ArrayList<>();
        r.path("maxConsumerLag").fieldNames().forEachRemaining(lagged::add);
        assertThat(lagged).containsExactlyInAnyOrder("training", "clustering", "hessian", "pruning", "evaluation");
        assertThat(r.path("lagSamples").size()).isGreaterThanOrEqualTo(2);
        assertThat(r.path("lostJobs").size()).isZero();
    }
}
