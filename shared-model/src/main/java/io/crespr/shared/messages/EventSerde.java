package io.crespr.shared.messages;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serialiser and deserialiser of one topic's events, for any Kafka client:
 * {@code new KafkaProducer<>(props, new StringSerializer(), EventSerde.of(Topics.JOBS).serializer())}.
 * The stage services read raw bytes instead, so that a record that does not decode reaches
 * their dead-letter handling with its bytes intact.
 */
public final class EventSerde<V> implements Serde<V> {

    private final TopicSpec<V> topic;

    private EventSerde(TopicSpec<V> topic) {
        this.topic = topic;
    }

    public static <V> EventSerde<V> of(TopicSpec<V> topic) {
        return new EventSerde<>(topic);
    }

    @Override
    public Serializer<V> serializer() {
        return (t, value) -> value == null ? null : EventCodec.encode(value);
    }

    @Override
    public Deserializer<V> deserializer() {
        return (t, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventCodec.decode(bytes, topic.valueType());
            } catch (BadEventException e) {
                throw new SerializationException(topic.name() + ": " + e.getMessage(), e);
            }
        };
    }
}
