package io.crespr.loadtest;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One load test against a running pipeline: checks the cluster answers and has the pipeline's
 * topics, submits the jobs as the {@link LoadSpec} says, follows each to COMPLETED or FAILED
 * (or the deadline), samples the consumer lag of every stage meanwhile, and sums it all up.
 */
final class LoadRun {

    private final String bootstrapServers;
    private final LoadSpec spec;
    private final Map<String, Object> plan;
    private final int rounds;
    private final Duration sampleInterval;
    private final Duration connectTimeout;
    private final PrintStream progress;
    private Map<String, Integer> expectedMembers = Map.of();
    private Map<String, Object> clientSettings = Map.of();

    /**
     * @param plan     the plan every job carries (as {@code Plans.toMap} gives it)
     * @param rounds   the plan's rounds, for the SUBMITTED status
     * @param progress where a progress line goes every few seconds; null: nowhere
     */
    LoadRun(String bootstrapServers, LoadSpec spec, Map<String, Object> plan, int rounds, Duration sampleInterval,
            Duration connectTimeout, PrintStream progress) {
        this.bootstrapServers = bootstrapServers;
        this.spec = spec;
        this.plan = plan;
        this.rounds = rounds;
        this.sampleInterval = sampleInterval;
        this.connectTimeout = connectTimeout;
        this.progress = progress;
    }

    /**
     * Before the first job, wait until each named stage's consumer group is stable with this many
     * members (for the services this JVM started: their first rebalance is no part of the load).
     */
    LoadRun awaitingGroups(Map<String, Integer> membersByStage) {
        this.expectedMembers = Map.copyOf(membersByStage);
        return this;
    }

    /** Client settings besides the bootstrap servers (security: SASL, TLS) for every client of the run. */
    LoadRun withClientSettings(Map<String, Object> settings) {
        this.clientSettings = Map.copyOf(settings);
        return this;
    }

    /** What the run measured, before the report adds how it was set up. */
    record Outcome(List<JobTracker.Job> jobs, int submitErrors, double wallSeconds, double submitSeconds,
            long firstSubmitNanos, Instant startedAt, Map<String, Long> maxLag, Map<String, Long> lagAtStart,
            List<Map<String, Object>> lagSamples, double loadStart, double loadEnd, double loadMax) {
    }

    Outcome run() throws InterruptedException {
        Map<String, Object> common = new HashMap<>(clientSettings);
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Admin admin = admin(common);
        try {
            checkCluster(admin);
            awaitGroups(admin);
            LagSampler lag = new LagSampler(admin, Math.max(1000, sampleInterval.toMillis() * 5));
            Map<String, Long> maxLag = new LinkedHashMap<>();
            Map<String, Long> lagAtStart = new LinkedHashMap<>();
            List<Map<String, Object>> samples = java.util.Collections.synchronizedList(new ArrayList<>());
            double[] load = {loadAverage(), loadAverage()};
            long t0 = System.nanoTime();
            Instant startedAt = Instant.now();
            try {
                Map<String, Long> first = lag.sample();
                lagAtStart.putAll(first);
                record(samples, maxLag, first, 0);
            } catch (Exception e) {
                // the sampler tries again on its schedule
            }
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "crespr-load-test-lag");
                t.setDaemon(true);
                return t;
            });
            try (JobTracker tracker = new JobTracker(common); KafkaProducer<String, byte[]> producer = producer(common)) {
                tracker.start();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        record(samples, maxLag, lag.sample(), (System.nanoTime() - t0) / 1e9);
                        synchronized (load) {
                            load[1] = Math.max(load[1], loadAverage());
                        }
                    } catch (Exception e) {
                        // a missed sample is a gap in the series, not a failed run
                    }
                }, sampleInterval.toMillis(), sampleInterval.toMillis(), TimeUnit.MILLISECONDS);
                Progress prog = new Progress(tracker, t0, maxLag);
                Submission s = submit(tracker, producer, prog);
                long lastSubmit = System.nanoTime();
                long deadline = lastSubmit + spec.deadline().toNanos();
                while (!tracker.awaitEnded(s.submitted, Math.min(deadline, System.nanoTime() + 10_000_000_000L))
                        && System.nanoTime() < deadline) {
                    prog.print(s.submitted);
                }
                prog.print(s.submitted);
                sampler.shutdownNow();
                sampler.awaitTermination(10, TimeUnit.SECONDS);
                try {
                    record(samples, maxLag, lag.sample(), (System.nanoTime() - t0) / 1e9);
                } catch (Exception e) {
                    // the last sample is a nicety
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double loadEnd = loadAverage();
                double loadMax;
                synchronized (load) {
                    loadMax = Math.max(load[1], loadEnd);
                }
                return new Outcome(new ArrayList<>(tracker.jobs()), s.errors, wall, (lastSubmit - s.firstNanos) / 1e9,
                        s.firstNanos, startedAt, maxLag, lagAtStart, new ArrayList<>(samples), load[0], loadEnd, loadMax);
            } finally {
                sampler.shutdownNow();
            }
        } finally {
            // an unreachable cluster leaves calls pending: do not wait for them
            admin.close(Duration.ofSeconds(2));
        }
    }

    private static void record(List<Map<String, Object>> samples, Map<String, Long> maxLag, Map<String, Long> lag,
            double t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", Math.round(t * 10) / 10.0);
        row.putAll(lag);
        samples.add(row);
        synchronized (maxLag) {
            lag.forEach((k, v) -> maxLag.merge(k, v, Math::max));
        }
    }

    private record Submission(int submitted, int errors, long firstNanos) {
    }

    /** Submits as the spec says; returns how many went out. */
    private Submission submit(JobTracker tracker, KafkaProducer<String, byte[]> producer, Progress prog)
            throws InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long start = System.nanoTime();
        long windowEnd = spec.duration() == null ? Long.MAX_VALUE : start + spec.duration().toNanos();
        int submitted = 0;
        int errors = 0;
        long first = start;
        long lastPrint = start;
        for (int i = 0; i < spec.jobs(); i++) {
            if (System.nanoTime() >= windowEnd) {
                break;
            }
            if (spec.ratePerSecond() > 0) {
                long due = start + (long) (i / spec.ratePerSecond() * 1e9);
                long wait = Math.min(due, windowEnd) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (System.nanoTime() >= windowEnd) {
                    break;
                }
            }
            if (spec.concurrency() > 0) {
                // a slot frees when a job ends; none for a whole deadline ends the submissions
                long slotDeadline = Math.min(windowEnd, System.nanoTime() + spec.deadline().toNanos());
                int need = submitted - spec.concurrency() + 1;
                while (need > 0 && !tracker.awaitEnded(need, Math.min(slotDeadline, System.nanoTime() + 10_000_000_000L))) {
                    if (System.nanoTime() >= slotDeadline) {
                        break;
                    }
                    prog.print(submitted);
                }
                if (need > 0 && tracker.ended() < need) {
                    break;
                }
            }
            String id = "load-" + run + "-" + (i + 1);
            JobTracker.Job job = tracker.track(id);
            if (submitted == 0) {
                first = job.submitNanos;
            }
            try {
                send(producer, id);
                submitted++;
            } catch (InvalidInputException e) {
                tracker.untrack(id);
                if (submitted == 0) {
                    throw e;
                }
                errors++;
            }
            if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                prog.print(submitted);
                lastPrint = System.nanoTime();
            }
        }
        return new Submission(submitted, errors, first);
    }

    /** As {@code crespr submit}: the SUBMITTED status, then the job; both acknowledged by the cluster. */
    private void send(KafkaProducer<String, byte[]> producer, String id) {
        JobStatus submitted = JobStatus.of(id, JobState.SUBMITTED, 0, rounds, null, null, null);
        Future<RecordMetadata> a = producer.send(new ProducerRecord<>(Topics.JOB_STATUS_NAME, id, EventCodec.encode(submitted)));
        Future<RecordMetadata> b = producer.send(new ProducerRecord<>(Topics.JOBS_NAME, id,
                EventCodec.encode(JobSubmitted.of(id, plan))));
        try {
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while submitting " + id, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidInputException("cannot submit job " + id + " to " + bootstrapServers + ": " + cause, e);
        }
    }

    /** Fails with one clear line when the cluster does not answer or lacks the pipeline's topics. */
    private void checkCluster(Admin admin) throws InterruptedException {
        try {
            admin.describeCluster().clusterId().get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new InvalidInputException("cannot reach Kafka at " + bootstrapServers + " within "
                    + LoadSpec.human(connectTimeout) + (e instanceof ExecutionException ? ": " + e.getCause() : "")
                    + " (is a broker listening there? pass --bootstrap-servers HOST:PORT)", e);
        }
        Set<String> names;
        try {
            names = admin.listTopics().names().get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new InvalidInputException("cannot list the topics of " + bootstrapServers + ": " + e, e);
        }
        List<String> missing = Topics.ALL.stream().map(t -> t.name()).filter(n -> !names.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new InvalidInputException("the pipeline's topics are missing on " + bootstrapServers + " ("
                    + String.join(", ", missing) + "): start the stage services there first (they create the "
                    + "topics), or run load-test without --bootstrap-servers");
        }
    }

    private void awaitGroups(Admin admin) throws InterruptedException {
        if (expectedMembers.values().stream().allMatch(n -> n == 0)) {
            return;
        }
        Map<String, Integer> byGroup = new LinkedHashMap<>();
        expectedMembers.forEach((stage, n) -> {
            if (n > 0) {
                byGroup.put(LagSampler.GROUPS.get(stage).id(), n);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, ConsumerGroupDescription> d = admin.describeConsumerGroups(byGroup.keySet()).all()
                        .get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
                List<String> waiting = new ArrayList<>();
                byGroup.forEach((g, n) -> {
                    ConsumerGroupDescription cg = d.get(g);
                    if (cg == null || cg.groupState() != GroupState.STABLE || cg.members().size() < n) {
                        waiting.add(g + " (" + (cg == null ? "unknown" : cg.groupState() + ", " + cg.members().size()
                                + " of " + n + " members") + ")");
                    }
                });
                if (waiting.isEmpty()) {
                    return;
                }
                last = String.join(", ", waiting);
            } catch (ExecutionException | TimeoutException | KafkaException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the stage services' consumer groups did not settle within 120 s: " + last);
    }

    private Admin admin(Map<String, Object> common) {
        Map<String, Object> p = new HashMap<>(common);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "crespr-load-test-admin");
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, connectTimeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(ms, 5000));
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot use --bootstrap-servers " + bootstrapServers + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    private KafkaProducer<String, byte[]> producer(Map<String, Object> common) {
        Map<String, Object> p = new HashMap<>(common);
        p.putAll(KafkaLimits.defaults().producer());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "crespr-load-test");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The 1-minute load average of this machine; NaN where the platform has none. */
    static double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** A progress line, at most every 10 s. */
    private final class Progress {
        private final JobTracker tracker;
        private final long t0;
        private final Map<String, Long> maxLag;

        Progress(JobTracker tracker, long t0, Map<String, Long> maxLag) {
            this.tracker = tracker;
            this.t0 = t0;
            this.maxLag = maxLag;
        }

        void print(int submitted) {
            if (progress == null) {
                return;
            }
            long completed = tracker.jobs().stream().filter(j -> j.outcome() == JobState.COMPLETED).count();
            long failed = tracker.jobs().stream().filter(j -> j.outcome() == JobState.FAILED).count();
            String lags;
            synchronized (maxLag) {
                lags = maxLag.toString();
            }
            progress.printf(Locale.ROOT, "%7.1f s  submitted %d  completed %d  failed %d  in flight %d  max lag so far %s%n",
                    (System.nanoTime() - t0) / 1e9, submitted, completed, failed, submitted - completed - failed, lags);
            progress.flush();
        }
    }
}
