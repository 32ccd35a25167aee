package io.crespr.runtime;

import io.crespr.shared.messages.TopicSpec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The dead letter of a record a stage could not process: the same key, value and headers on
 * {@code <topic>.dlt}, with headers added that name the original topic, partition and offset,
 * the stage, and the error's class and message.
 */
public final class DeadLetters {

    public static final String ORIGINAL_TOPIC = "crespr.dlt.original-topic";
    public static final String ORIGINAL_PARTITION = "crespr.dlt.original-partition";
    public static final String ORIGINAL_OFFSET = "crespr.dlt.original-offset";
    public static final String STAGE = "crespr.dlt.stage";
    public static final String ERROR_CLASS = "crespr.dlt.error-class";
    public static final String ERROR_MESSAGE = "crespr.dlt.error-message";

    private DeadLetters() {
    }

    public static ProducerRecord<String, byte[]> of(ConsumerRecord<?, ?> rec, String stage, Throwable error) {
        Object v = rec.value();
        byte[] value = v == null ? null : v instanceof byte[] b ? b : String.valueOf(v).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(rec.topic() + TopicSpec.DEAD_LETTER_SUFFIX,
                rec.key() == null ? null : String.valueOf(rec.key()), value);
        Headers h = out.headers();
        for (Header original : rec.headers()) {
            if (!original.key().startsWith("crespr.dlt.")) {
                h.add(original.key(), original.value());
            }
        }
        Throwable root = Failures.rootOf(error);
        h.add(ORIGINAL_TOPIC, utf8(rec.topic()));
        h.add(ORIGINAL_PARTITION, utf8(String.valueOf(rec.partition())));
        h.add(ORIGINAL_OFFSET, utf8(String.valueOf(rec.offset())));
        h.add(STAGE, utf8(stage));
        h.add(ERROR_CLASS, utf8(root.getClass().getName()));
        h.add(ERROR_MESSAGE, utf8(Failures.reason(error)));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
