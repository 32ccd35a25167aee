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
 * failure of the handler is thrown to the listener's error strategy, which retries the record
 * and, when retries run out, calls {@link #deadLetter}. One runner serves one consumer thread.
 *
 * <p>A transaction that fails because the broker is away (a restart, a network partition) is
 * not a failure of the record: the runner keeps the handler's output and commits it again, with
 * backoff, until the broker answers — it neither runs the handler again nor dead-letters a good
 * record. A commit whose outcome is unknown (it timed out) is only ever retried as the same
 * commit, never replaced by a new transaction, so it cannot publish twice.
 */
public final class StageRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    /**
     * How long the broker may take to finish a transaction once it has begun (Kafka's
     * {@code transaction.timeout.ms}; {@code kafka.transaction.timeout.ms} overrides it). A stage
     * holds a transaction open only while it sends its output, so this is short: it is how long
     * the records of a stage killed in the middle of a commit hold up {@code read_committed}
     * readers of those partitions before the broker aborts them.
     */
    static final String TRANSACTION_TIMEOUT_MS = "10000";

    /** Longest wait between two attempts to commit while the broker is away. */
    static final long MAX_COMMIT_BACKOFF_MS = 5000;

    private final StageHandler handler;
    private final Map<String, Object> producerProps;
    private final StatusPublisher status;
    private final StageMetrics metrics;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean closed;

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
            } catch (RuntimeException | OutOfMemoryError thrown) {
                // A job too large for this JVM is that job's failure; as an Error it would end the
                // consumer's thread and with it the stage.
                RuntimeException e = thrown instanceof RuntimeException r ? r
                        : new IllegalStateException("out of memory: " + thrown.getMessage(), thrown);
                metrics.failed(handler.stage(), e);
                if (Failures.isBadInput(e)) {
                    try {
                        deadLetter(rec, consumer, e);
                    } catch (RuntimeException failed) {
                        LOG.warn("{}: could not dead-letter record {}-{}@{}: {}; it is retried", handler.stage(),
                                rec.topic(), rec.partition(), rec.offset(), Failures.reason(failed), failed);
                        throw failed;
                    }
                    outcome = StageMetrics.Outcome.DEAD_LETTER;
                    return;
                }
                LOG.warn("{}: record {}-{}@{} (job {}) failed: {}; it is retried, then dead-lettered", handler.stage(),
                        rec.topic(), rec.partition(), rec.offset(), jobOf(rec, peek), Failures.reason(e), e);
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
                LOG.warn("{}: could not commit record {}-{}@{}: {}; it is retried, then dead-lettered", handler.stage(),
                        rec.topic(), rec.partition(), rec.offset(), Failures.reason(e), e);
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

    /**
     * Commits the records with the consumed offset in one transaction, waiting out a broker that
     * is away: transient failures are retried with backoff until the commit succeeds, the runner
     * closes, or a failure that no retry can fix comes (thrown).
     */
    private void commit(ConsumerRecord<?, ?> rec, Consumer<?, ?> consumer, List<ProducerRecord<String, byte[]>> records) {
        long t0 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                commitOnce(rec, consumer, records);
                if (attempt > 1) {
                    LOG.info("{}: record {}-{}@{} committed at attempt {}, {} ms after the first", handler.stage(),
                            rec.topic(), rec.partition(), rec.offset(), attempt, (System.nanoTime() - t0) / 1_000_000);
                }
                return;
            } catch (KafkaException e) {
                if (closed || !retriable(e)) {
                    throw e;
                }
                long backoff = backoff(attempt);
                LOG.warn("{}: cannot commit record {}-{}@{} yet (attempt {}: {}); retrying in {} ms", handler.stage(),
                        rec.topic(), rec.partition(), rec.offset(), attempt, Failures.reason(e), backoff);
                sleep(backoff);
            }
        }
    }

    /** One transaction; a commit that timed out is retried as the same commit (its outcome is unknown). */
    private void commitOnce(ConsumerRecord<?, ?> rec, Consumer<?, ?> consumer,
            List<ProducerRecord<String, byte[]>> records) {
        KafkaProducer<String, byte[]> p = producer();
        try {
            p.beginTransaction();
            for (ProducerRecord<String, byte[]> r : records) {
                p.send(r);
            }
            p.sendOffsetsToTransaction(Map.of(new TopicPartition(rec.topic(), rec.partition()),
                    new OffsetAndMetadata(rec.offset() + 1)), consumer.groupMetadata());
        } catch (KafkaException e) {
            abortOrDiscard(p, e);
            throw e;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                p.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // "It is safe to retry, but it is not possible to attempt a different operation
                // (such as abortTransaction) since the commit may already be in the progress of
                // completing" (KafkaProducer#commitTransaction). Giving up here and starting a new
                // transaction could publish the output twice.
                if (closed) {
                    discardProducer(p);
                    throw e;
                }
                long backoff = backoff(attempt);
                LOG.warn("{}: commit of record {}-{}@{} not confirmed yet (attempt {}: {}); retrying the commit in {} ms",
                        handler.stage(), rec.topic(), rec.partition(), rec.offset(), attempt, Failures.reason(e), backoff);
                sleep(backoff);
            } catch (KafkaException e) {
                // Any other answer means the transaction did not commit.
                abortOrDiscard(p, e);
                throw e;
            }
        }
    }

    /**
     * Whether committing again may succeed: the broker or its coordinator was away or moving, or
     * the broker aborted this producer's transaction because it outlived the transaction timeout
     * (with a transactional id of its own per producer, a fenced producer was never fenced by
     * another instance). A rebalance that moved the partition away, an authorisation failure or a
     * record too large are not.
     */
    static boolean retriable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException || t instanceof ProducerFencedException
                    || t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException
                    || t instanceof org.apache.kafka.common.errors.TransactionAbortedException) {
                return true;
            }
            if (t instanceof org.apache.kafka.clients.consumer.CommitFailedException
                    || t instanceof AuthorizationException
                    || t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || t instanceof org.apache.kafka.common.errors.FencedInstanceIdException) {
                return false;
            }
        }
        return false;
    }

    private static long backoff(int attempt) {
        return Math.min(MAX_COMMIT_BACKOFF_MS, 100L << Math.min(attempt, 6));
    }

    /** Aborts the transaction; a producer that cannot abort (or must not go on) is closed, and the next commit makes a new one. */
    private void abortOrDiscard(KafkaProducer<String, byte[]> p, KafkaException cause) {
        if (cause instanceof ProducerFencedException || cause instanceof OutOfOrderSequenceException
                || cause instanceof AuthorizationException
                || cause instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) {
            discardProducer(p);
            return;
        }
        try {
            p.abortTransaction();
        } catch (KafkaException | IllegalStateException abortFailed) {
            discardProducer(p);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    /** Creates and registers the transactional producer now, so the first record does not wait for it. */
    public void warmUp() {
        try {
            producer();
        } catch (RuntimeException e) {
            LOG.warn("{}: transactional producer not ready yet ({}); retrying with the first record", handler.stage(),
                    e.toString());
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (closed) {
            throw new IllegalStateException(handler.stage() + " is shutting down");
        }
        if (producer == null) {
            Map<String, Object> p = new HashMap<>(producerProps);
            // A fresh id per instance: since KIP-447 zombies are fenced by the consumer group's
            // generation, not by a fixed transactional id.
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crespr-" + handler.stage() + "-" + UUID.randomUUID());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
            KafkaProducer<String, byte[]> created = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            try {
                created.initTransactions();
                // Topic metadata now, not on the first commit of a job.
                for (TopicSpec<?> t : Topics.ALL) {
                    created.partitionsFor(t.name());
                }
            } catch (RuntimeException e) {
                created.close(java.time.Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    /** Closes a producer that can do no more; its open transaction, if any, is aborted by the broker. */
    private void discardProducer(KafkaProducer<String, byte[]> p) {
        synchronized (this) {
            if (producer == p) {
                producer = null;
            }
        }
        try {
            p.close(java.time.Duration.ZERO);
        } catch (RuntimeException ignored) {
            // closing a broken producer may fail too
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaProducer<String, byte[]> p;
        synchronized (this) {
            p = producer;
            producer = null;
        }
        if (p != null) {
            try {
                p.close(java.time.Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // closing a broken producer may fail too
            }
        }
    }
}
