package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.FileCheckpointStore;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPipeline;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import io.crespr.shared.stage.StageSteps;
import io.crespr.shared.streaming.JobResults;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TopicProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five stage services as five processes (child JVMs started through their own main classes)
 * on a broker of their own, and two faults under a running job: a stage killed with SIGKILL in
 * the middle of its work and started again, and the broker stopped and started again on the same
 * port and log. Each time the job completes, every topic carries exactly one event per job and
 * round (read with {@code read_committed}), and the result is, weight for weight, the one the
 * single process computes: no checkpoint was lost or applied twice. Last, the checkpoint store
 * fills up under training: the job fails with that reason and nothing half-written remains.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StageProcessesIT {

    private static final Logger LOG = LoggerFactory.getLogger(StageProcessesIT.class);
    private static final List<String> GROUPS = List.of(Topics.TRAINING_GROUP, Topics.CLUSTERING_GROUP,
            Topics.HESSIAN_GROUP, Topics.PRUNING_GROUP, Topics.EVALUATION_GROUP);
    private static final int ROUNDS = 3;

    private EmbeddedKafkaBroker broker;
    private String servers;
    private Path store;
    private final Map<String, StageProcess> stages = new LinkedHashMap<>();
    private JobClient client;
    private PruningResult reference;

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(KafkaLimits.defaults().broker());
        servers = broker.bootstrapServers();
        store = Files.createTempDirectory("crespr-processes-it-");
        Path logs = Path.of("target", "stage-processes");
        if (Files.isDirectory(logs)) {
            try (var old = Files.list(logs)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        long t0 = System.nanoTime();
        for (String s : StageProcess.STAGES) {
            // Clients give up on a missing broker after 2 s instead of 60 s: a 4-second outage then
            // outlasts every blocking call, as a long one would in production.
            stages.put(s, StageProcess.start(s, servers, store, logs, Map.of("KAFKA_MAX_BLOCK_MS", "2000")));
        }
        for (StageProcess p : stages.values()) {
            p.awaitStarted(Duration.ofSeconds(150));
        }
        awaitGroupsAssigned(Duration.ofSeconds(60));
        LOG.info("five stage processes started and assigned in {} s", seconds(t0));
        client = new JobClient(servers, KafkaLimits.defaults());
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        stages.values().forEach(StageProcess::close);
        if (broker != null) {
            broker.close();
        }
    }

    /** A job of a few rounds whose fine-tuning takes long enough to be caught in the middle. */
    private static Map<String, Object> plan() {
        Map<String, Object> plan = PipelineFixtures.tinyPlan();
        plan.put("rounds", ROUNDS);
        plan.put("fineTuneEpochs", 40);
        return plan;
    }

    @Test
    @Order(2)
    void aStageKilledInTheMiddleOfARecordAndStartedAgainLeavesExactlyOneResultPerRound() throws Exception {
        String job = "killed-stage";
        Map<String, Object> plan = plan();
        StageProcess training = stages.get("training");
        JobCompleted done;
        try (JobClient.Watch watch = client.watch(job); StatusWatch status = new StatusWatch(servers, job)) {
            submit(job, plan);

            // when training-service is killed while it fine-tunes round 2
            JobStatus working = status.await(s -> s.state() == JobState.TRAINING && s.round() == 2,
                    Duration.ofSeconds(120));
            long killedAt = System.nanoTime();
            training.kill();
            LOG.info("training killed {} ms after it reported {} round {}", (System.nanoTime() - killedAt) / 1_000_000,
                    working.state(), working.round());

            // then it had not committed that round: the kill landed in the middle of the record
            assertThat(TopicProbe.events(servers, Topics.CHECKPOINTS_TRAINED, job)).extracting(CheckpointEvent::round)
                    .as("fine-tuned checkpoints committed when training was killed").containsExactly(0, 1);

            // and when it is started again, the job completes
            long restartedAt = System.nanoTime();
            training.restart();
            training.awaitStarted(Duration.ofSeconds(120));
            LOG.info("training back in {} s", seconds(restartedAt));
            done = watch.await(Duration.ofSeconds(150), s -> { });
            LOG.info("job completed {} s after the kill", seconds(killedAt));
        }
        assertExactlyOnceAndAsComputedInOneProcess(job, plan, done);
        assertThat(training.logText()).contains("---- start 2 of training");
    }

    @Test
    @Order(1)
    void theBrokerRestartedUnderARunningJobAndTheStagesCarryOn() throws Exception {
        String job = "broker-restart";
        Map<String, Object> plan = plan();
        JobCompleted done;
        try (JobClient.Watch watch = client.watch(job); StatusWatch status = new StatusWatch(servers, job)) {
            submit(job, plan);

            // when the broker stops while training fine-tunes round 1, and comes back 8 s later: longer
            // than any client waits for it (max.block.ms 2 s here)
            status.await(s -> s.state() == JobState.TRAINING && s.round() == 1, Duration.ofSeconds(120));
            long t0 = System.nanoTime();
            broker.stop();
            Thread.sleep(8000);
            broker.restart();
            LOG.info("broker away for {} s", seconds(t0));

            // then the job completes
            done = watch.await(Duration.ofSeconds(150), s -> { });
            LOG.info("job completed {} s after the broker stopped", seconds(t0));
        }
        assertExactlyOnceAndAsComputedInOneProcess(job, plan, done);
        // and training fine-tuned round 1 once: it kept its output and committed it when the broker was back
        assertThat(TopicProbe.events(servers, Topics.JOB_STATUS, job)).extracting(s -> s.state() + "#" + s.round())
                .filteredOn("TRAINING#1"::equals).hasSize(1);
        stages.values().forEach(p -> assertThat(p.isAlive()).as(p.stage + " alive").isTrue());
    }

    @Test
    @Order(3)
    void aFullCheckpointStoreFailsTheJobWithThatReasonAndLeavesNothingHalfWritten() throws Exception {
        // given training restarted with every checkpoint through the store, and room for 4 KiB per
        // file: the dense checkpoint (about 6 KB) is cut off in the middle of its write
        StageProcess training = stages.get("training");
        training.stop();
        training.restart(Map.of("CRESPR_INLINE_LIMIT", "0"), 4);
        training.awaitStarted(Duration.ofSeconds(120));
        String job = "store-full";

        // when a job comes, it fails with the store's reason (after the two retries of a failure
        // that is not the record's fault)
        try (JobClient.Watch watch = client.watch(job)) {
            submit(job, plan());
            assertThat(org.junit.jupiter.api.Assertions.assertThrows(JobClient.JobFailedException.class,
                    () -> watch.await(Duration.ofSeconds(90), s -> { })))
                    .hasMessageContaining("training could not process a record of crespr.jobs.v1: UncheckedIOException: "
                            + "cannot write crespr-checkpoint of job store-full to the checkpoint store")
                    .hasMessageEndingWith("java.io.IOException: File too large");
        }
        // then nothing of it is in the store (the part written is gone, nothing has its final name),
        // no stage was handed anything, the record is kept on the dead-letter topic, and the
        // stage runs on
        Path jobDir = store.resolve(job);
        if (Files.exists(jobDir)) {
            try (var files = Files.list(jobDir)) {
                assertThat(files.toList()).as("files of the failed job in the store").isEmpty();
            }
        }
        assertThat(TopicProbe.events(servers, Topics.CHECKPOINTS_TRAINED, job)).isEmpty();
        assertThat(TopicProbe.read(servers, Topics.JOBS.deadLetterTopic()).stream().filter(r -> job.equals(r.key())))
                .hasSize(1);
        assertThat(training.isAlive()).isTrue();
        assertThat(training.logText()).contains("File too large");
    }

    private void submit(String job, Map<String, Object> plan) {
        PruningPlan p = Plans.build(plan, null);
        client.submit(job, Plans.toMap(p), new StageSteps(p, null).rounds());
    }

    private void assertExactlyOnceAndAsComputedInOneProcess(String job, Map<String, Object> plan, JobCompleted done) {
        // one result, one COMPLETED, and each stage's event of each round exactly once
        assertThat(TopicProbe.events(servers, Topics.RESULTS, job)).hasSize(1);
        assertThat(TopicProbe.events(servers, Topics.JOB_STATUS, job)).extracting(JobStatus::state)
                .filteredOn(s -> s == JobState.COMPLETED || s == JobState.FAILED).containsExactly(JobState.COMPLETED);
        List<Integer> all = IntStream.rangeClosed(0, ROUNDS).boxed().toList();
        assertThat(rounds(Topics.CHECKPOINTS_TRAINED, job)).containsExactlyElementsOf(all);
        for (TopicSpec<CheckpointEvent> t : List.of(Topics.CHECKPOINTS_CLUSTERED, Topics.CHECKPOINTS_SCORED,
                Topics.CHECKPOINTS_PRUNED)) {
            assertThat(rounds(t, job)).as(t.name()).containsExactlyElementsOf(all.subList(1, all.size()));
        }
        assertThat(rounds(Topics.CHECKPOINTS_EVALUATED, job)).doesNotHaveDuplicates().isNotEmpty();
        for (TopicSpec<?> t : Topics.ALL) {
            if (t.consumedByStages()) {
                assertThat(TopicProbe.read(servers, t.deadLetterTopic()).stream().filter(r -> job.equals(r.key())))
                        .as(t.deadLetterTopic()).isEmpty();
            }
        }
        // and the result is the single process's, weight for weight: no checkpoint lost or applied twice
        if (reference == null) {
            // both jobs run the same plan
            PruningPlan p = Plans.build(plan, null);
            reference = new PruningPipeline(p, Datasets.load(p.dataset(), null, p.seed()), null).run();
        }
        CheckpointTransport transport = new CheckpointTransport(new FileCheckpointStore(store),
                CheckpointTransport.DEFAULT_INLINE_LIMIT, KafkaLimits.defaults());
        PruningResult streamed = JobResults.toPruningResult(done, transport);
        assertThat(streamed.rounds()).extracting(RoundResult::sparsity)
                .containsExactlyElementsOf(reference.rounds().stream().map(RoundResult::sparsity).toList());
        assertThat(streamed.rounds()).extracting(RoundResult::testAccuracy)
                .containsExactlyElementsOf(reference.rounds().stream().map(RoundResult::testAccuracy).toList());
        assertThat(streamed.pruned().params()).usingRecursiveComparison().isEqualTo(reference.pruned().params());
        assertThat(streamed.pruned().masks()).isEqualTo(reference.pruned().masks());
    }

    private List<Integer> rounds(TopicSpec<CheckpointEvent> topic, String job) {
        return TopicProbe.events(servers, topic, job).stream().map(CheckpointEvent::round).toList();
    }

    private void awaitGroupsAssigned(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            while (true) {
                Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(GROUPS).all().get();
                boolean ready = groups.values().stream().allMatch(g -> !g.members().isEmpty()
                        && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty()));
                if (ready) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("stage consumer groups not assigned: " + groups);
                }
                Thread.sleep(200);
            }
        }
    }

    private static String seconds(long t0) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9);
    }

    /** Follows a job's status records as they are published (the "started" ones are not transactional). */
    private static final class StatusWatch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String job;

        StatusWatch(String servers, String job) {
            this.job = job;
            this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", servers), new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(Topics.JOB_STATUS_NAME, Duration.ofSeconds(10))
                    .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
        }

        JobStatus await(Predicate<JobStatus> wanted, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    if (job.equals(r.key())) {
                        JobStatus s = EventCodec.decode(r.value(), JobStatus.class);
                        seen.add(s.state() + "#" + s.round());
                        if (wanted.test(s)) {
                            return s;
                        }
                    }
                }
            }
            throw new IllegalStateException("job " + job + " never reached the wanted status; saw " + seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
