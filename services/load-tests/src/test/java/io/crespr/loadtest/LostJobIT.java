package io.crespr.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that never ends is lost at the deadline: the pipeline in this JVM (its own in-process
 * broker, the default mode) runs without a training stage, so nothing ever takes the jobs.
 */
class LostJobIT {

    @TempDir
    Path out;

    @Test
    void jobsWithNoTerminalStateByTheDeadlineAreCountedLost() throws Exception {
        long t0 = System.nanoTime();
        int code = LoadSpecTest.call("--scenario", "smoke", "--jobs", "2", "--stage-instances", "training=0",
                "--deadline", "3s", "--sample-interval", "500ms", "--out", out.toString(), "--quiet");
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(code).isEqualTo(1);
        JsonNode r = new ObjectMapper().readTree(out.resolve(LoadReport.FILE).toFile());
        assertThat(r.path("mode").asText()).isEqualTo("in-process broker and services");
        assertThat(r.path("stageInstances").path("training").asInt()).isZero();
        JsonNode jobs = r.path("jobs");
        assertThat(jobs.path("submitted").asInt()).isEqualTo(2);
        assertThat(jobs.path("completed").asInt()).isZero();
        assertThat(jobs.path("failed").asInt()).isZero();
        assertThat(jobs.path("lost").asInt()).isEqualTo(2);
        assertThat(r.path("lostJobs").size()).isEqualTo(2);
        r.path("lostJobs").forEach(j -> assertThat(j.path("lastState").asText()).isEqualTo("SUBMITTED round 0"));
        assertThat(r.path("latencyMillis").path("count").asInt()).isZero();
        // the two jobs wait on crespr.jobs.v1: the training group's lag shows them
        assertThat(r.path("maxConsumerLag").path("training").asLong()).isEqualTo(2);
        // the run waited for the deadline, not much longer
        assertThat(r.path("wallSeconds").asDouble()).isBetween(3.0, 15.0);
        assertThat(seconds).isLessThan(60);
    }
}
