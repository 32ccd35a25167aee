package io.crespr.runtime;

import io.micronaut.configuration.kafka.exceptions.KafkaListenerException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every stage listener shares. Each listener is annotated the same way: its own consumer
 * group, {@code read_committed}, offsets committed only inside the stage's transaction
 * ({@code OffsetStrategy.DISABLED}), earliest offset for a new group, and
 * {@code RETRY_ON_ERROR} {@value #RETRIES} times {@value #RETRY_DELAY} apart for failures that
 * are not bad input; when those run out, {@link #deadLetter} sends the record to its
 * dead-letter topic.
 */
public final class StageListeners {

    /** Retries of a record whose failure is not bad input (a store or broker briefly away). */
    public static final int RETRIES = 2;
    public static final String RETRY_DELAY = "2s";

    private static final Logger LOG = LoggerFactory.getLogger(StageListeners.class);

    private StageListeners() {
    }

    /** Called by a listener's exception handler: the record goes to its dead-letter topic. */
    public static void deadLetter(KafkaListenerException e, Map<String, StageRunner> runnersByTopic) {
        ConsumerRecord<?, ?> rec = e.getConsumerRecord().orElse(null);
        StageRunner runner = rec == null ? null : runnersByTopic.get(rec.topic());
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (runner == null) {
            LOG.error("a stage listener failed outside any record it can dead-letter: {}", Failures.reason(cause), cause);
            return;
        }
        try {
            runner.deadLetter(rec, e.getKafkaConsumer(), cause);
        } catch (RuntimeException failed) {
            LOG.error("{}: could not dead-letter record {}-{}@{}: {}", runner.stage(), rec.topic(), rec.partition(),
                    rec.offset(), failed.toString(), failed);
        }
    }
}
