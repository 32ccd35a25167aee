package io.crespr.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

    @Test
    void carriesALargeRecordAndDeletesItsLogOnClose() throws Exception {
        int max = 6 * 1024 * 1024;
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of("message.max.bytes", String.valueOf(max)));
        try (broker) {
            Properties common = new Properties();
            common.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(common)) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)
                        .configs(Map.of("max.message.bytes", String.valueOf(max))))).all().get();
            }
            byte[] big = new byte[5 * 1024 * 1024];
            big[big.length - 1] = 7;
            Properties pp = new Properties();
            pp.putAll(common);
            pp.put("max.request.size", String.valueOf(max));
            try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("t", "k", big)).get();
            }
            Properties cp = new Properties();
            cp.putAll(common);
            cp.put("max.partition.fetch.bytes", String.valueOf(max));
            cp.put("fetch.max.bytes", String.valueOf(max));
            try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition("t", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                ConsumerRecord<String, byte[]> got = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        got = r;
                    }
                }
                assertThat(got).isNotNull();
                assertThat(got.value()).hasSize(big.length).endsWith((byte) 7);
            }
        }
        broker.close();
    }

    @Test
    void restartsOnTheSamePortAndLogAndItsClientsReconnect() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of())) {
            String servers = broker.bootstrapServers();
            Properties common = new Properties();
            common.put("bootstrap.servers", servers);
            try (Admin admin = Admin.create(common)) {
                admin.createTopics(List.of(new NewTopic("r", 1, (short) 1))).all().get();
            }
            Properties pp = new Properties();
            pp.putAll(common);
            pp.put("transactional.id", "restart-test");
            pp.put("delivery.timeout.ms", "60000");
            try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("r", "k", "before"));
                producer.commitTransaction();

                // when the broker goes down and comes back
                broker.stop();
                assertThat(broker.isRunning()).isFalse();
                broker.restart();
                assertThat(broker.isRunning()).isTrue();
                assertThat(broker.bootstrapServers()).isEqualTo(servers);

                // then the producer made before the restart carries on, and both records are there
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("r", "k", "after"));
                producer.commitTransaction();
            }
            Properties cp = new Properties();
            cp.putAll(common);
            cp.put("isolation.level", "read_committed");
            try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("r", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> got = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                }
                assertThat(got).containsExactly("before", "after");
            }
        }
    }
}
