package io.crespr.runtime;

import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes "stage started" statuses at once, outside any transaction, so {@code crespr status}
 * shows what a job is doing while the stage works. Final states (COMPLETED, FAILED) go in the
 * stage's transaction instead.
 */
public final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

    private final KafkaProducer<String, byte[]> producer;

    public StatusPublisher(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "crespr-status");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public void publish(JobStatus s) {
        producer.send(new ProducerRecord<>(Topics.JOB_STATUS.name(), s.jobId(), EventCodec.encode(s)), (md, e) -> {
            if (e != null) {
                LOG.warn("could not publish status {} of job {}: {}", s.state(), s.jobId(), e.toString());
            }
        });
    }

    @Override
    public void close() {
        producer.close();
    }
}
