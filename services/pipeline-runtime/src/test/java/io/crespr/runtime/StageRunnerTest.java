package io.crespr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.streaming.StageHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class StageRunnerTest {

    @Test
    void anOutOfMemoryErrorOfAHandlerFailsTheRecordAndNotTheConsumerThread() {
        // a plan can ask for a network larger than the machine (mlp:40000,40000 makes ND4J throw
        // OutOfMemoryError): as an Error it would end the listener's thread, and the stage with it
        StageHandler tooLarge = new StageHandler() {
            @Override
            public String stage() {
                return "training";
            }

            @Override
            public java.util.List<io.crespr.shared.streaming.Outgoing> handle(String topic, String key, byte[] value,
                    java.util.function.Consumer<io.crespr.shared.messages.JobStatus> started) {
                throw new OutOfMemoryError("Cannot allocate new FloatPointer");
            }
        };
        try (StatusPublisher status = new StatusPublisher(Map.of("bootstrap.servers", "127.0.0.1:1"));
                StageMetrics metrics = new StageMetrics(new SimpleMeterRegistry());
                StageRunner runner = new StageRunner(tooLarge, Map.of("bootstrap.servers", "127.0.0.1:1"), status,
                        metrics);
                MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest")) {
            ConsumerRecord<String, byte[]> rec = new ConsumerRecord<>("crespr.jobs.v1", 0, 7, "job", new byte[] {'{'});
            // a failure like any other: retried by the listener, then dead-lettered with this reason
            assertThatThrownBy(() -> runner.process(rec, consumer)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("out of memory: Cannot allocate new FloatPointer")
                    .hasCauseInstanceOf(OutOfMemoryError.class);
            assertThat(Failures.reason(new IllegalStateException("out of memory: x"))).isEqualTo(
                    "IllegalStateException: out of memory: x");
        }
    }

    @Test
    void aCommitIsRetriedInPlaceWhileTheBrokerIsAwayButNotWhenNoRetryCanHelp() {
        assertThat(StageRunner.retriable(new TimeoutException("no broker"))).isTrue();
        assertThat(StageRunner.retriable(new KafkaException("Cannot execute transactional method because we are in an "
                + "error state", new TimeoutException("Expiring 1 record(s)")))).isTrue();
        assertThat(StageRunner.retriable(new NotCoordinatorException("moved"))).isTrue();
        // the broker aborted this producer's transaction (it outlived the transaction timeout): a new one may commit
        assertThat(StageRunner.retriable(new ProducerFencedException("bumped"))).isTrue();
        assertThat(StageRunner.retriable(new InvalidProducerEpochException("bumped"))).isTrue();
        // the partition moved to another instance, or the output cannot ever be written
        assertThat(StageRunner.retriable(new CommitFailedException("rebalanced"))).isFalse();
        assertThat(StageRunner.retriable(new KafkaException("error state", new RecordTooLargeException("9 MB"))))
                .isFalse();
        assertThat(StageRunner.retriable(new TopicAuthorizationException("no"))).isFalse();
    }

    @Test
    void aReasonStaysShortEnoughForAStatusAndADeadLetterHeader() {
        String huge = "jobId must be 1 to 128 letters, got '" + "j".repeat(3_000_000) + "'";
        String reason = Failures.reason(new io.crespr.shared.InvalidInputException(huge));
        assertThat(reason).hasSizeLessThanOrEqualTo(Failures.MAX_REASON_CHARS)
                .startsWith("jobId must be 1 to 128 letters, got 'jjj").endsWith("… (3000038 characters)");
        assertThat(Failures.reason(new io.crespr.shared.InvalidInputException("short"))).isEqualTo("short");
    }
}
