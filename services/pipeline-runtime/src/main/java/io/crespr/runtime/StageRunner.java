package io.crespr.runtime;

import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobIds;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.streaming.Outgoing;
import io.crespr.shared.streaming.StageHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes the records of one input topic of one stage exactly once: the handler's events and
 * the consumed offset are committed in one Kafka transaction (read-process-write, KIP-447), so a
 * stage stopped mid-record, or a second instance taking over its partitions, never publishes a
 * record twice; consumers read with {@code read_committed}.
 *
 * <p>Bad input (an {@link io.crespr.shared.InvalidInputException}) goes straight to the dead-letter
 * topic, together with the job's FAILED status and the offset, in one transaction. Any other
 * failure is thrown to the listener's error strategy, which retries the record and, when retries
 * run out, calls {@link #deadLetter}. One runner serves one consumer thread.
 */
public final class StageRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    private final StageHandler handler;
    private final Map<String, Object> producerProps;
    private final StatusPublisher status;
    private final StageMetrics metrics;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param producerProps bootstrap servers, security and size settings; the runner adds the
     *                      transactional ones
     */
    public StageRunner(StageHandler handler, Map<String, Object> producerProps, StatusPublisher status,
            StageMetrics metrics) {
        this.handler = handler;
        this.producerProps = Map.copyOf(producerProps);
        this.status = status;
        this.metrics = metrics;
    }

    public String stage() {
        return handler.stage();
    }

    /** Runs the stage on one record and commits what it produced with the record's offset. */
    public void process(ConsumerRecord<String, byte[]> rec, Consumer<?, ?> consumer) {
        long t0 = System.nanoTime();
        long receivedAt = System.currentTimeMillis();
        Map<String, Object> peek = EventCodec.peek(rec.value());
        metrics.bindConsumer(handler.stage(), consumer);
        metrics.received(handler.stage(), rec.value(), peek.get("checkpointBytes") instanceof Long n ? n : 0L);
        StageMetrics.Outcome outcome = StageMetrics.Outcome.ERROR;
        try {
            List<Outgoing> out;
            try {
                out = handler.handle(rec.topic(), rec.key(), rec.value(), status::publish);
            } catch (RuntimeException e) {
                metrics.failed(handler.stage(), e);
                if (Failures.isBadInput(e)) {
                    deadLetter(rec, consumer, e);
                    outcome = StageMetrics.Outcome.DEAD_LETTER;
                    return;
                }
                throw e;
            }
            long handled = System.nanoTime();
            List<byte[]> encoded = out.stream().map(o -> EventCodec.encode(o.value())).toList();
            List<ProducerRecord<String, byte[]>> records = new java.util.ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                records.add(new ProducerRecord<>(out.get(i).topic().name(), out.get(i).key(), encoded.get(i)));
            }
            try {
                commit(rec, consumer, records);
            } catch (RuntimeException e) {
                metrics.failed(handler.stage(), e);
                throw e;
            }
            metrics.published(handler.stage(), out, encoded);
            outcome = StageMetrics.Outcome.SUCCESS;
            long committed = System.nanoTime();
            if (LOG.isInfoEnabled()) {
                LOG.info("{}: job {} round {} from {} ({} ms after it was sent) -> {} in {} s (commit {} ms)", handler.stage(),
                        peek.getOrDefault("jobId", rec.key()), peek.getOrDefault("round", 0), rec.topic(),
                        receivedAt - rec.timestamp(), out.stream().map(o -> o.topic().name()).toList(),
                        String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9),
                        (committed - handled) / 1_000_000);
            }
        } finally {
            metrics.finished(handler.stage(), rec.topic(), outcome, System.nanoTime() - t0);
        }
    }

    /**
     * Sends the record to {@code <topic>.dlt} with headers, marks its job FAILED with the reason,
     * and commits the offset past it, in one transaction: the stage moves on.
     */
    public void deadLetter(ConsumerRecord<?, ?> rec, Consumer<?, ?> consumer, Throwable error) {
        String reason = Failures.reason(error);
        List<ProducerRecord<String, byte[]>> out = new java.util.ArrayList<>();
        out.add(DeadLetters.of(rec, handler.stage(), error));
        byte[] value = rec.value() instanceof byte[] b ? b : null;
        Map<String, Object> peek = value == null ? Map.of() : EventCodec.peek(value);
        String jobId = jobOf(rec, peek);
        if (jobId != null) {
            JobStatus failed = JobStatus.failed(jobId, intOf(peek.get("round")), intOf(peek.get("rounds")),
                    handler.stage() + " could not process a record of " + rec.topic() + ": " + reason);
            out.add(new ProducerRecord<>(Topics.JOB_STATUS.name(), jobId, EventCodec.encode(failed)));
        }
        commit(rec, consumer, out);
        metrics.deadLettered(handler.stage(), out.get(0).topic(), jobId != null);
        LOG.warn("{}: record {}-{}@{} (job {}) sent to {}: {}", handler.stage(), rec.topic(), rec.partition(),
                rec.offset(), jobId, out.get(0).topic(), reason);
    }

    private static String jobOf(ConsumerRecord<?, ?> rec, Map<String, Object> peek) {
        if (Topics.MODELS_RETRAINED_NAME.equals(rec.topic())) {
            Object model = peek.get("model");
            Object version = peek.get("version");
            return model != null && version != null ? JobIds.forModel(model.toString(), version.toString()) : null;
        }
        Object id = peek.getOrDefault("jobId", rec.key());
        return id != null && JobIds.isValid(id.toString()) ? id.toString() : null;
    }

    private static int intOf(Object o) {
        return o instanceof Integer i ? Math.max(0, i) : 0;
    }

    private synchronized void commit(ConsumerRecord<?, ?> rec, Consumer<?, ?> consumer,
            List<ProducerRecord<String, byte[]>> records) {
        KafkaProducer<String, byte[]> p = producer();
        try {
            p.beginTransaction();
            for (ProducerRecord<String, byte[]> r : records) {
                p.send(r);
            }
            p.sendOffsetsToTransaction(Map.of(new TopicPartition(rec.topic(), rec.partition()),
                    new OffsetAndMetadata(rec.offset() + 1)), consumer.groupMetadata());
            p.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            // This producer can do nothing more; the next record gets a fresh one.
            discardProducer();
            throw e;
        } catch (KafkaException e) {
            try {
                p.abortTransaction();
            } catch (KafkaException abortFailed) {
                discardProducer();
            }
            throw e;
        }
    }

    /** Creates and registers the transactional producer now, so the first record does not wait for it. */
    public synchronized void warmUp() {
        try {
            producer();
        } catch (RuntimeException e) {
            LOG.warn("{}: transactional producer not ready yet ({}); retrying with the first record", handler.stage(),
                    e.toString());
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> p = new HashMap<>(producerProps);
            // A fresh id per instance: since KIP-447 zombies are fenced by the consumer group's
            // generation, not by a fixed transactional id.
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crespr-" + handler.stage() + "-" + UUID.randomUUID());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            KafkaProducer<String, byte[]> created = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            created.initTransactions();
            // Topic metadata now, not on the first commit of a job.
            for (TopicSpec<?> t : Topics.ALL) {
                created.partitionsFor(t.name());
            }
            producer = created;
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            try {
                producer.close(java.time.Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // closing a broken producer may fail too
            }
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        discardProducer();
    }
}
