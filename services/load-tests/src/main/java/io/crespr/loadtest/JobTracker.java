package io.crespr.loadtest;

import io.crespr.shared.messages.BadEventException;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows many jobs with one consumer: every partition of {@code crespr.job-status.v1} and
 * {@code crespr.results.v1} from their end at {@link #start()} on, {@code read_committed}, no
 * consumer group. A job ends with its result (COMPLETED) or a FAILED status; the time it is seen
 * here ends its end-to-end latency.
 */
final class JobTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobTracker.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;
    private int ended;

    JobTracker(Map<String, Object> common) {
        Map<String, Object> p = new HashMap<>(common);
        p.putAll(KafkaLimits.defaults().consumer());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "crespr-load-test-tracker");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns the partitions, positions at their end (before any job is submitted) and starts following. */
    void start() {
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(Topics.JOB_STATUS_NAME, Topics.RESULTS_NAME)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            for (PartitionInfo pi : infos) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        running = true;
        thread = new Thread(this::loop, "crespr-load-test-tracker");
        thread.setDaemon(true);
        thread.start();
    }

    /** Registers a job just before it is submitted. */
    Job track(String jobId) {
        Job j = new Job(jobId, System.nanoTime(), System.currentTimeMillis());
        jobs.put(jobId, j);
        return j;
    }

    /** Forgets a job whose submission failed. */
    void untrack(String jobId) {
        jobs.remove(jobId);
    }

    Collection<Job> jobs() {
        return jobs.values();
    }

    /** Jobs that reached COMPLETED or FAILED so far. */
    int ended() {
        synchronized (lock) {
            return ended;
        }
    }

    /**
     * Waits until at least {@code count} jobs have ended or {@code deadlineNanos} (System.nanoTime)
     * passes.
     *
     * @return whether that many ended
     */
    boolean awaitEnded(int count, long deadlineNanos) throws InterruptedException {
        synchronized (lock) {
            while (ended < count) {
                checkAlive();
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, Math.min(500, left / 1_000_000)));
            }
            return true;
        }
    }

    private void checkAlive() {
        if (failure != null) {
            throw new IllegalStateException("the tracker stopped: " + failure, failure);
        }
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Job j = r.key() == null ? null : jobs.get(r.key());
                    if (j != null) {
                        handle(j, r);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("the load test's tracker stopped: {}", e.toString(), e);
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    private void handle(Job j, ConsumerRecord<String, byte[]> r) {
        long now = System.nanoTime();
        boolean newlyEnded;
        try {
            if (Topics.RESULTS_NAME.equals(r.topic())) {
                newlyEnded = j.completed(EventCodec.decode(r.value(), JobCompleted.class), now);
            } else {
                JobStatus s = EventCodec.decode(r.value(), JobStatus.class);
                newlyEnded = j.status(s, now);
            }
        } catch (BadEventException e) {
            LOG.warn("job {}: an event on {} does not decode: {}", j.id, r.topic(), e.getMessage());
            return;
        }
        if (newlyEnded) {
            synchronized (lock) {
                ended++;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    /** One submitted job, as the tracker sees it. */
    static final class Job {
        final String id;
        final long submitNanos;
        final long submitEpochMillis;
        private final List<JobStatus> statuses = new ArrayList<>();
        private JobState outcome;
        private long endNanos;
        private JobCompleted result;
        private String reason;

        Job(String id, long submitNanos, long submitEpochMillis) {
            this.id = id;
            this.submitNanos = submitNanos;
            this.submitEpochMillis = submitEpochMillis;
        }

        /** @return whether the job ended with this status */
        synchronized boolean status(JobStatus s, long now) {
            statuses.add(s);
            if (outcome == null && s.state() == JobState.FAILED) {
                outcome = JobState.FAILED;
                reason = s.reason();
                endNanos = now;
                return true;
            }
            return false;
        }

        /** @return whether the job ended with this result */
        synchronized boolean completed(JobCompleted done, long now) {
            if (result == null) {
                result = done;
            }
            if (outcome == null) {
                outcome = JobState.COMPLETED;
                endNanos = now;
                return true;
            }
            return false;
        }

        /** COMPLETED, FAILED, or null while it runs. */
        synchronized JobState outcome() {
            return outcome;
        }

        /** Seconds from submission to the end seen here. */
        synchronized double latencySeconds() {
            return (endNanos - submitNanos) / 1e9;
        }

        synchronized long endNanos() {
            return endNanos;
        }

        synchronized JobCompleted result() {
            return result;
        }

        synchronized String reason() {
            return reason;
        }

        synchronized List<JobStatus> statuses() {
            return List.copyOf(statuses);
        }

        /** The last state seen, for a job that did not end. */
        synchronized String lastState() {
            return statuses.stream().max(java.util.Comparator.comparingLong(JobStatus::updatedAt))
                    .map(s -> s.state() + " round " + s.round()).orElse("no status seen");
        }
    }
}
