package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A plain Kafka client of the pipeline, as any other client could be: submits a job, reads a
 * job's latest status and its result. It reads only the partition a job's key maps to, with
 * {@code read_committed}.
 */
final class JobClient implements AutoCloseable {

    private final Map<String, Object> common;
    private final KafkaLimits limits;
    private KafkaProducer<String, byte[]> producer;

    JobClient(String bootstrapServers, KafkaLimits limits) {
        this(bootstrapServers, Map.of(), limits);
    }

    /**
     * @param settings further client settings (security: SASL, TLS), put into every producer and
     *                 consumer; never printed
     */
    JobClient(String bootstrapServers, Map<String, Object> settings, KafkaLimits limits) {
        Map<String, Object> m = new HashMap<>(settings);
        m.put("bootstrap.servers", bootstrapServers);
        m.put("client.id", "crespr-cli");
        this.common = Map.copyOf(m);
        this.limits = limits;
    }

    /** Marks the job SUBMITTED, then publishes it to {@code crespr.jobs.v1}. */
    void submit(String jobId, Map<String, Object> plan, int rounds) {
        JobSubmitted job = JobSubmitted.of(jobId, plan);
        send(Topics.JOB_STATUS, jobId, JobStatus.of(jobId, JobState.SUBMITTED, 0, rounds, null, null, null));
        send(Topics.JOBS, jobId, job);
    }

    void send(TopicSpec<?> topic, String key, Object event) {
        try {
            producer().send(new ProducerRecord<>(topic.name(), key, EventCodec.encode(event))).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String hint = hint(cause, String.valueOf(cause.getMessage()).contains("not present in metadata")
                    ? " (the topic does not exist there yet: start a stage service once, it creates the topics, or run "
                    + "./crespr run --bootstrap-servers " + common.get("bootstrap.servers") + ")"
                    : " (is a broker listening there? pass --bootstrap-servers HOST:PORT)");
            throw new InvalidInputException("cannot publish to " + topic.name() + " on " + common.get("bootstrap.servers")
                    + ": " + cause + hint, e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> p = new HashMap<>(common);
            p.putAll(limits.producer());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** The job's latest status, if it has one. */
    Optional<JobStatus> status(String jobId) {
        return latest(Topics.JOB_STATUS, jobId);
    }

    /** The job's result, if it has completed. */
    Optional<JobCompleted> result(String jobId) {
        return latest(Topics.RESULTS, jobId);
    }

    private <V> Optional<V> latest(TopicSpec<V> topic, String jobId) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            TopicPartition tp = partitionOf(c, topic, jobId);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            V last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        last = EventCodec.decode(r.value(), topic.valueType());
                    }
                }
            }
            return Optional.ofNullable(last);
        }
    }

    /** Every committed record of a job on a topic, in order (for benchmarks and tests). */
    List<ConsumerRecord<String, byte[]>> records(TopicSpec<?> topic, String jobId) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            TopicPartition tp = partitionOf(c, topic, jobId);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }

    /**
     * Follows a job from now on: {@link Watch#await} reports every status published after this
     * call and returns the result.
     */
    Watch watch(String jobId) {
        KafkaConsumer<String, byte[]> c = consumer();
        List<TopicPartition> parts = List.of(partitionOf(c, Topics.JOB_STATUS, jobId), partitionOf(c, Topics.RESULTS, jobId));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return new Watch(jobId, c);
    }

    /** A job being followed; close it when done. */
    static final class Watch implements AutoCloseable {
        private final String jobId;
        private final KafkaConsumer<String, byte[]> consumer;

        private Watch(String jobId, KafkaConsumer<String, byte[]> consumer) {
            this.jobId = jobId;
            this.consumer = consumer;
        }

        /**
         * Waits for the job's result, passing on each status.
         *
         * @throws JobFailedException when the job is marked FAILED
         * @throws InvalidInputException when {@code timeout} passes first (zero: wait for ever)
         */
        JobCompleted await(Duration timeout, Consumer<JobStatus> onStatus) {
            long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            JobCompleted result = null;
            boolean completedSeen = false;
            long statusDeadline = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, statusDeadline)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!jobId.equals(r.key())) {
                        continue;
                    }
                    if (r.topic().equals(Topics.RESULTS_NAME)) {
                        result = EventCodec.decode(r.value(), JobCompleted.class);
                        if (completedSeen) {
                            return result;
                        }
                        // The COMPLETED status commits with the result but sits on another partition:
                        // pass it on too when it arrives within a moment.
                        statusDeadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                        continue;
                    }
                    JobStatus s = EventCodec.decode(r.value(), JobStatus.class);
                    onStatus.accept(s);
                    if (s.state() == JobState.FAILED) {
                        throw new JobFailedException(jobId, s.reason());
                    }
                    if (s.state() == JobState.COMPLETED) {
                        completedSeen = true;
                        if (result != null) {
                            return result;
                        }
                    }
                }
            }
            if (result != null) {
                return result;
            }
            throw new InvalidInputException("job " + jobId + " did not finish within " + timeout.toSeconds() + " s");
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** A job the pipeline marked FAILED. */
    static final class JobFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JobFailedException(String jobId, String reason) {
            super("job " + jobId + " failed: " + reason);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> p = new HashMap<>(common);
        p.putAll(limits.consumer());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** What to tell the user about a client error: the credentials when the cluster refused them, else {@code otherwise}. */
    private static String hint(Throwable error, String otherwise) {
        return error instanceof org.apache.kafka.common.errors.AuthenticationException
                || error instanceof org.apache.kafka.common.errors.AuthorizationException
                ? " (the Kafka cluster refused the credentials: check --kafka-config FILE or KAFKA_SASL_JAAS_CONFIG)"
                : otherwise;
    }

    /** The partition a key goes to under Kafka's default partitioner (murmur2 of the key bytes). */
    private TopicPartition partitionOf(KafkaConsumer<?, ?> c, TopicSpec<?> topic, String key) {
        List<PartitionInfo> infos;
        try {
            infos = c.partitionsFor(topic.name(), Duration.ofSeconds(30));
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot reach Kafka at " + common.get("bootstrap.servers") + " to read "
                    + topic.name() + ": " + e.getMessage() + hint(e, " (pass --bootstrap-servers HOST:PORT)"), e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new InvalidInputException("topic " + topic.name() + " does not exist on this cluster; start a stage "
                    + "service once (it creates the topics) or run ./crespr run");
        }
        int n = new ArrayList<>(infos).size();
        return new TopicPartition(topic.name(), Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
