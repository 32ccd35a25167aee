package io.crespr.shared.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.stage.RoundResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aJobRequestAsAnyClientWritesItDecodes() {
        JobSubmitted job = EventCodec.decode(utf8("{\"schemaVersion\":1,\"jobId\":\"job-7\",\"plan\":"
                + "{\"method\":\"crespr\",\"targetSparsity\":0.99},\"someFutureField\":true}"), JobSubmitted.class);
        assertThat(job.jobId()).isEqualTo("job-7");
        assertThat(job.plan()).containsEntry("method", "crespr").containsEntry("targetSparsity", 0.99);
        assertThat(job.submittedAt()).isNull();
    }

    @Test
    void malformedJsonUnknownVersionsAndBadFieldsAreNamed() {
        assertThatThrownBy(() -> EventCodec.decode(utf8("{\"schemaVersion\":1,"), JobSubmitted.class))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.MALFORMED_JSON))
                .hasMessageStartingWith("malformed JSON in JobSubmitted record");
        assertThatThrownBy(() -> EventCodec.decode(utf8("[1,2]"), JobSubmitted.class))
                .hasMessage("malformed JSON in JobSubmitted record: expected an object, got ARRAY");
        assertThatThrownBy(() -> EventCodec.decode(utf8("{\"schemaVersion\":7,\"jobId\":\"a\"}"), JobSubmitted.class))
                .isInstanceOfSatisfying(BadEventException.class,
                        e -> assertThat(e.problem()).isEqualTo(BadEventException.Problem.UNKNOWN_SCHEMA_VERSION))
                .hasMessage("unknown schemaVersion 7 in JobSubmitted; this build reads 1");
        assertThatThrownBy(() -> EventCodec.decode(utf8("{\"jobId\":\"a\"}"), JobSubmitted.class))
                .hasMessage("unknown schemaVersion (none) in JobSubmitted; this build reads 1");
        assertThatThrownBy(() -> EventCodec.decode(utf8("{\"schemaVersion\":1,\"jobId\":\"../etc\"}"), JobSubmitted.class))
                .hasMessageStartingWith("jobId must be 1 to 128 letters");
        assertThatThrownBy(() -> EventCodec.decode(utf8("{\"schemaVersion\":1,\"jobId\":\"a\",\"plan\":3}"),
                JobSubmitted.class)).hasMessageStartingWith("JobSubmitted does not fit its schema");
    }

    @Test
    void aVersionOrARoundThatIsNotAnIntegerIsNotReadAsOne() {
        for (String version : new String[] {"1.0", "1.5", "\"1\"", "true", "[1]"}) {
            assertThatThrownBy(() -> EventCodec.decode(utf8("{\"schemaVersion\":" + version + ",\"jobId\":\"a\"}"),
                    JobSubmitted.class)).as(version)
                    .hasMessage("unknown schemaVersion " + version + " in JobSubmitted; this build reads 1");
        }
        String status = new String(EventCodec.encode(JobStatus.of("a", JobState.TRAINING, 2, 3, null, null, null)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(EventCodec.decode(utf8(status), JobStatus.class).round()).isEqualTo(2);
        assertThat(status).contains("\"round\":2,");
        assertThatThrownBy(() -> EventCodec.decode(utf8(status.replace("\"round\":2,", "\"round\":2.5,")),
                JobStatus.class)).isInstanceOf(BadEventException.class)
                .hasMessageStartingWith("JobStatus does not fit its schema").hasMessageContaining("2.5");
    }

    @Test
    void roundResultsKeepNonFiniteNumbersAndTheirMetrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("nCut", Double.NaN);
        metrics.put("layers", Map.of("0_W", Double.POSITIVE_INFINITY));
        metrics.put("recall", java.util.Arrays.asList(0.5, null));
        RoundResult r = new RoundResult(2, 0.5, 0.5000001, Double.NaN, 0.25, metrics, Map.of("score", 0.1));
        JobStatus s = JobStatus.of("j", JobState.EVALUATING, 2, 3, null, 0.5, null);
        CheckpointEvent e = CheckpointEvent.first("j", 3, Map.of("method", "gmp"), null,
                new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.INLINE, 3, "0".repeat(64), "AAAA", null), null, 1L)
                .toBuilder().evaluated(r).build();
        CheckpointEvent back = EventCodec.decode(EventCodec.encode(e), CheckpointEvent.class);
        RoundResult rr = back.history().get(0);
        assertThat(rr.testAccuracy()).isNaN();
        assertThat(rr.sparsity()).isEqualTo(0.5000001);
        assertThat(rr.metrics().get("nCut")).isEqualTo(Double.NaN);
        assertThat(rr.metrics().get("layers")).isEqualTo(Map.of("0_W", Double.POSITIVE_INFINITY));
        assertThat(rr.metrics().get("recall")).isEqualTo(java.util.Arrays.asList(0.5, null));
        assertThat(rr.seconds()).containsEntry("score", 0.1);
        assertThat(EventCodec.decode(EventCodec.encode(s), JobStatus.class)).isEqualTo(s);
        assertThat(new String(EventCodec.encode(s), StandardCharsets.UTF_8)).doesNotContain("testAccuracy")
                .contains("\"state\":\"EVALUATING\"");
    }

    @Test
    void peekFindsTheJobOfARecordThatDoesNotDecode() {
        assertThat(EventCodec.peek(utf8("{\"schemaVersion\":9,\"jobId\":\"j-1\",\"round\":3}")))
                .containsEntry("jobId", "j-1").containsEntry("round", 3);
        assertThat(EventCodec.peek(utf8("{not json"))).isEmpty();
    }

    @Test
    void everyTopicIsVersionedAndHasADeadLetterTopic() {
        assertThat(Topics.ALL).extracting(TopicSpec::name).allMatch(n -> n.matches("crespr\\.[a-z.-]+\\.v\\d+"))
                .doesNotHaveDuplicates();
        assertThat(Topics.byName("crespr.jobs.v1").deadLetterTopic()).isEqualTo("crespr.jobs.v1.dlt");
        assertThat(Topics.ALL.stream().filter(TopicSpec::compacted).toList()).containsExactly(Topics.JOB_STATUS);
        assertThatThrownBy(() -> Topics.byName("crespr.nope.v1")).hasMessageStartingWith("unknown topic 'crespr.nope.v1'");
        assertThat(List.of(JobIds.forModel("digits", "7"), JobIds.forModel("a b/c", "1.0")))
                .allMatch(JobIds::isValid);
    }
}
