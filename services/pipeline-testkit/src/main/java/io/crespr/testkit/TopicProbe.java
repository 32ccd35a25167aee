package io.crespr.testkit;

import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test client: sends records and reads a topic from the start, committed records only. */
public final class TopicProbe {

    private TopicProbe() {
    }

    public static void send(String topic, String key, byte[] value) {
        send(topic, key, value, Map.of());
    }

    public static void send(String topic, String key, byte[] value, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(),
                "max.request.size", "8388608"));
        p.putAll(extra);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e, e);
        }
    }

    public static void send(TopicSpec<?> topic, String key, Object event) {
        send(topic.name(), key, EventCodec.encode(event));
    }

    /** Every committed record of a topic so far (all partitions, from the start). */
    public static List<ConsumerRecord<String, byte[]>> read(String topic) {
        return read(TestKafka.bootstrapServers(), topic);
    }

    /** As {@link #read(String)}, on another broker than the test JVM's own. */
    public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic) {
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", "read_committed", "max.partition.fetch.bytes", "8388608");
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** The committed events of a topic for one key, in order. */
    public static <V> List<V> events(TopicSpec<V> topic, String key) {
        return events(TestKafka.bootstrapServers(), topic, key);
    }

    /** As {@link #events(TopicSpec, String)}, on another broker than the test JVM's own. */
    public static <V> List<V> events(String bootstrapServers, TopicSpec<V> topic, String key) {
        return read(bootstrapServers, topic.name()).stream().filter(r -> key.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), topic.valueType())).toList();
    }

    public static <V> List<V> events(TopicSpec<V> topic, String key, Predicate<V> filter) {
        return events(topic, key).stream().filter(filter).toList();
    }
}
