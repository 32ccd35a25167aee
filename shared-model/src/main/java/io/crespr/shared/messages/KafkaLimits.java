package io.crespr.shared.messages;

import io.crespr.shared.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka size settings that must move together, in one place: the broker's
 * {@code message.max.bytes}, each topic's {@code max.message.bytes}, the producer's
 * {@code max.request.size} and the consumer's {@code max.partition.fetch.bytes} and
 * {@code fetch.max.bytes}. Kafka applies the limit after compression; inline checkpoints are
 * already compressed (zstd), so their size is what counts.
 *
 * @param maxMessageBytes the largest record, in bytes
 */
public record KafkaLimits(int maxMessageBytes) {

    /** 8 MiB: room for a 4 MiB inline checkpoint (5.4 MiB in base64) and its envelope. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /**
     * What a dead letter may add to the record it carries (the {@code crespr.dlt.*} headers, the
     * error message at most a thousand characters): dead-letter topics and the stages' producers
     * take records this much larger, so a record at the size limit still fits its dead letter.
     */
    public static final int DEAD_LETTER_HEADROOM = 64 * 1024;

    /** Bytes an event needs besides its inline payloads (plan, history of every round, provenance). */
    public static final int ENVELOPE_ALLOWANCE = 512 * 1024;

    public KafkaLimits {
        if (maxMessageBytes < 1024 * 1024) {
            throw new InvalidInputException("the Kafka message size limit must be at least 1 MiB, got "
                    + maxMessageBytes + " bytes");
        }
    }

    public static KafkaLimits defaults() {
        return new KafkaLimits(DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** The largest compressed inline payload that still fits one record, base64 and envelope included. */
    public int largestInlinePayload() {
        return (int) ((maxMessageBytes - (long) ENVELOPE_ALLOWANCE) * 3 / 4);
    }

    /** Broker settings. */
    public Map<String, String> broker() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("message.max.bytes", String.valueOf(maxMessageBytes));
        m.put("replica.fetch.max.bytes", String.valueOf(maxMessageBytes));
        return m;
    }

    /** Settings of every pipeline topic. */
    public Map<String, String> topic() {
        return Map.of("max.message.bytes", String.valueOf(maxMessageBytes));
    }

    /** Settings of every dead-letter topic: room for a record at the limit and its dead-letter headers. */
    public Map<String, String> deadLetterTopic() {
        return Map.of("max.message.bytes", String.valueOf(maxMessageBytes + DEAD_LETTER_HEADROOM));
    }

    /** Producer settings. */
    public Map<String, Object> producer() {
        return Map.of("max.request.size", String.valueOf(maxMessageBytes));
    }

    /** Settings of a stage's producer, which also writes dead letters ({@link #deadLetterTopic}). */
    public Map<String, Object> stageProducer() {
        return Map.of("max.request.size", String.valueOf(maxMessageBytes + DEAD_LETTER_HEADROOM));
    }

    /** Consumer settings. */
    public Map<String, Object> consumer() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max.partition.fetch.bytes", String.valueOf(maxMessageBytes));
        m.put("fetch.max.bytes", String.valueOf(Math.max(maxMessageBytes, 52_428_800)));
        return m;
    }
}
