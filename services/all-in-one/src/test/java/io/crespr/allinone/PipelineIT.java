package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crespr.runtime.DeadLetters;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.ModelRetrained;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPipeline;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import io.crespr.shared.stage.StageSteps;
import io.crespr.shared.streaming.JobResults;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TestKafka;
import io.crespr.testkit.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The five real listeners in one context on a real broker (Testcontainers' Kafka where Docker
 * exists, the in-process broker otherwise): a job end to end, and every kind of bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {

    private static final int INLINE_LIMIT = 64 * 1024;

    private StreamingPipeline pipeline;
    private JobClient client;
    private CheckpointTransport transport;

    @BeforeAll
    void start() throws Exception {
        Path store = Files.createTempDirectory("crespr-pipeline-it-");
        Path standing = store.resolve("tiny-model-plan.yaml");
        Files.writeString(standing, "dataset: synthetic\narch: mlp:16\nmethod: gmp\ntargetSparsity: 0.75\nrounds: 2\n"
                + "evaluators: [accuracy, sparsity]\n");
        pipeline = StreamingPipeline.start(TestKafka.bootstrapServers(), store,
                Map.of("crespr.partitions", "2", "crespr.inline-limit", String.valueOf(INLINE_LIMIT),
                        "crespr.standing-plans.tiny-model", standing.toString()));
        client = new JobClient(TestKafka.bootstrapServers(), KafkaLimits.defaults());
        transport = pipeline.context().getBean(CheckpointTransport.class);
    }

    @AfterAll
    void stop() {
        client.close();
        pipeline.close();
    }

    private JobCompleted runJob(String jobId, Map<String, Object> plan) {
        PruningPlan p = Plans.build(plan, null);
        try (JobClient.Watch watch = client.watch(jobId)) {
            client.submit(jobId, Plans.toMap(p), new StageSteps(p, Datasets.load(p.dataset(), null, p.seed())).rounds());
            return watch.await(Duration.ofSeconds(120), s -> { });
        }
    }

    @Test
    void aJobCompletesWithTheNumbersOfTheSingleProcessAndEveryTopicCarriesItsEventsInOrder() {
        // given a tiny job, when it runs through Kafka
        Map<String, Object> plan = PipelineFixtures.tinyPlan();
        JobCompleted done = runJob("pipeline-it-job", plan);

        // then it reaches the target with the accuracy the single process reaches, number for number
        PruningPlan p = Plans.build(plan, null);
        PruningResult reference = new PruningPipeline(p, Datasets.load("synthetic", null, p.seed()), null).run();
        PruningResult streamed = JobResults.toPruningResult(done, transport);
        long n = streamed.pruned().prunableCount();
        assertThat(done.achievedSparsity()).isEqualTo((double) Math.round(0.9 * n) / n);
        assertThat(done.prunedAccuracy()).isEqualTo(reference.last().testAccuracy()).isGreaterThan(0.3);
        assertThat(done.denseAccuracy()).isEqualTo(reference.denseRound().testAccuracy());
        assertThat(streamed.rounds()).extracting(RoundResult::sparsity)
                .containsExactlyElementsOf(reference.rounds().stream().map(RoundResult::sparsity).toList());
        assertThat(streamed.rounds()).extracting(RoundResult::validationAccuracy)
                .containsExactlyElementsOf(reference.rounds().stream().map(RoundResult::validationAccuracy).toList());
        assertThat(streamed.pruned().params()).usingRecursiveComparison().isEqualTo(reference.pruned().params());
        assertThat(streamed.pruned().masks()).isEqualTo(reference.pruned().masks());

        // and each stage's topic carried the job's events, in order, once
        assertThat(rounds(Topics.JOBS, "pipeline-it-job")).hasSize(1);
        assertThat(rounds(Topics.CHECKPOINTS_TRAINED, "pipeline-it-job")).containsExactly(0, 1, 2);
        assertThat(rounds(Topics.CHECKPOINTS_EVALUATED, "pipeline-it-job")).containsExactly(1);
        assertThat(rounds(Topics.CHECKPOINTS_CLUSTERED, "pipeline-it-job")).containsExactly(1, 2);
        assertThat(rounds(Topics.CHECKPOINTS_SCORED, "pipeline-it-job")).containsExactly(1, 2);
        assertThat(rounds(Topics.CHECKPOINTS_PRUNED, "pipeline-it-job")).containsExactly(1, 2);
        assertThat(TopicProbe.events(Topics.RESULTS, "pipeline-it-job")).hasSize(1);
        List<String> chain = List.of(Topics.JOBS_NAME + "#0", Topics.CHECKPOINTS_TRAINED_NAME + "#0",
                Topics.CHECKPOINTS_EVALUATED_NAME + "#1", Topics.CHECKPOINTS_CLUSTERED_NAME + "#1",
                Topics.CHECKPOINTS_SCORED_NAME + "#1", Topics.CHECKPOINTS_PRUNED_NAME + "#1",
                Topics.CHECKPOINTS_TRAINED_NAME + "#1", Topics.CHECKPOINTS_CLUSTERED_NAME + "#2",
                Topics.CHECKPOINTS_SCORED_NAME + "#2", Topics.CHECKPOINTS_PRUNED_NAME + "#2",
                Topics.CHECKPOINTS_TRAINED_NAME + "#2", Topics.RESULTS_NAME + "#2");
        Map<String, Long> at = timestamps("pipeline-it-job");
        for (int i = 1; i < chain.size(); i++) {
            assertThat(at.get(chain.get(i))).as(chain.get(i - 1) + " before " + chain.get(i))
                    .isGreaterThanOrEqualTo(at.get(chain.get(i - 1)));
        }
        assertThat(TopicProbe.events(Topics.JOB_STATUS, "pipeline-it-job")).extracting(JobStatus::state)
                .startsWith(JobState.SUBMITTED, JobState.TRAINING, JobState.EVALUATING, JobState.CLUSTERING)
                .endsWith(JobState.COMPLETED);
    }

    private static List<Integer> rounds(TopicSpec<?> topic, String jobId) {
        return TopicProbe.read(topic.name()).stream().filter(r -> jobId.equals(r.key()))
                .map(r -> (Integer) EventCodec.peek(r.value()).getOrDefault("round", 0)).toList();
    }

    private static Map<String, Long> timestamps(String jobId) {
        Map<String, Long> at = new HashMap<>();
        for (TopicSpec<?> t : List.of(Topics.JOBS, Topics.CHECKPOINTS_TRAINED, Topics.CHECKPOINTS_EVALUATED,
                Topics.CHECKPOINTS_CLUSTERED, Topics.CHECKPOINTS_SCORED, Topics.CHECKPOINTS_PRUNED, Topics.RESULTS)) {
            for (ConsumerRecord<String, byte[]> r : TopicProbe.read(t.name())) {
                if (jobId.equals(r.key())) {
                    int round = t == Topics.RESULTS ? ((JobCompleted) EventCodec.decode(r.value(), JobCompleted.class))
                            .rounds().size() : (Integer) EventCodec.peek(r.value()).getOrDefault("round", 0);
                    at.put(t.name() + "#" + round, r.timestamp());
                }
            }
        }
        return at;
    }

    @Test
    void badRecordsGoToTheirDeadLetterTopicsTheirJobsFailAndTheStagesKeepConsuming() {
        // given one record of each kind of bad input
        CheckpointEvent trained = PipelineFixtures.eventOn(Topics.CHECKPOINTS_TRAINED, 0, "template",
                PipelineFixtures.tinyPlan(), transport);
        byte[] ckpt = transport.get(trained.checkpoint(), PayloadRef.CHECKPOINT);
        String sha = CheckpointCodec.sha256(ckpt);
        byte[] noise = new byte[2 * INLINE_LIMIT];
        new Random(5).nextBytes(noise);
        byte[] compressed = com.github.luben.zstd.Zstd.compress(noise, 1);
        Map<String, Object> narrow = new HashMap<>(trained.plan());
        narrow.put("arch", "mlp:8");
        Map<String, Object> taylor = new HashMap<>(PipelineFixtures.tinyPlan());
        taylor.put("scorer", "taylor");

        TopicProbe.send(Topics.JOBS_NAME, "bad-json", "{\"schemaVersion\":1,\"jobId\":".getBytes(StandardCharsets.UTF_8));
        TopicProbe.send(Topics.JOBS_NAME, "bad-schema",
                "{\"schemaVersion\":99,\"jobId\":\"bad-schema\",\"plan\":{}}".getBytes(StandardCharsets.UTF_8));
        TopicProbe.send(Topics.JOBS, "bad-plugin", JobSubmitted.of("bad-plugin", taylor));
        TopicProbe.send(Topics.CHECKPOINTS_TRAINED, "bad-missing", with(trained, "bad-missing", trained.plan(),
                new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.STORE, ckpt.length, sha, null,
                        pipeline.store().resolve("bad-missing/none.crespr-checkpoint").toUri().toString())));
        TopicProbe.send(Topics.CHECKPOINTS_TRAINED, "bad-hash", with(trained, "bad-hash", trained.plan(),
                new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.STORE, ckpt.length, "0".repeat(64), null,
                        transport.putInStore("bad-hash", PayloadRef.CHECKPOINT, ckpt).uri())));
        TopicProbe.send(Topics.CHECKPOINTS_CLUSTERED, "bad-shape", with(trained, "bad-shape", narrow,
                trained.checkpoint()));
        TopicProbe.send(Topics.CHECKPOINTS_EVALUATED, "bad-oversized", with(trained, "bad-oversized", trained.plan(),
                new PayloadRef(PayloadRef.CHECKPOINT, PayloadRef.INLINE, noise.length, CheckpointCodec.sha256(noise),
                        Base64.getEncoder().encodeToString(compressed), null)));

        // when a good job follows them, it still completes
        JobCompleted good = runJob("after-bad-input", PipelineFixtures.tinyPlan());
        assertThat(good.rounds()).hasSize(2);

        // then every bad record sits on its topic's dead-letter topic, with headers, and its job failed with the reason
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("bad-json", Topics.JOBS_NAME + "|malformed JSON in JobSubmitted record");
        expected.put("bad-schema", Topics.JOBS_NAME + "|unknown schemaVersion 99 in JobSubmitted; this build reads 1");
        expected.put("bad-plugin", Topics.JOBS_NAME + "|unknown scorer plugin 'taylor'");
        expected.put("bad-missing", Topics.CHECKPOINTS_TRAINED_NAME + "|checkpoint not found: file:");
        expected.put("bad-hash", Topics.CHECKPOINTS_TRAINED_NAME + "|does not match its reference");
        expected.put("bad-shape", Topics.CHECKPOINTS_CLUSTERED_NAME + "|does not fit the plan: it is a mlp:16, the plan says mlp:8");
        expected.put("bad-oversized", Topics.CHECKPOINTS_EVALUATED_NAME + "|exceeds the inline limit of 65536 bytes");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> expected.forEach((job, v) ->
                assertThat(TopicProbe.events(Topics.JOB_STATUS, job)).extracting(JobStatus::state)
                        .as(job).contains(JobState.FAILED)));
        expected.forEach((job, v) -> {
            String topic = v.substring(0, v.indexOf('|'));
            String message = v.substring(v.indexOf('|') + 1);
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>(TopicProbe.read(topic + ".dlt").stream()
                    .filter(r -> job.equals(r.key())).toList());
            assertThat(dead).as(job).hasSize(1);
            ConsumerRecord<String, byte[]> r = dead.get(0);
            assertThat(header(r, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic);
            assertThat(header(r, DeadLetters.ORIGINAL_PARTITION)).matches("\\d+");
            assertThat(header(r, DeadLetters.ORIGINAL_OFFSET)).matches("\\d+");
            assertThat(header(r, DeadLetters.ERROR_CLASS)).startsWith("io.crespr.shared.");
            assertThat(header(r, DeadLetters.ERROR_MESSAGE)).as(job).contains(message);
            JobStatus failed = TopicProbe.events(Topics.JOB_STATUS, job).stream()
                    .filter(s -> s.state() == JobState.FAILED).findFirst().orElseThrow();
            assertThat(failed.reason()).as(job).contains(message);
        });
        // the original bytes are kept as they were
        assertThat(new String(TopicProbe.read(Topics.JOBS_NAME + ".dlt").stream().filter(r -> "bad-json".equals(r.key()))
                .findFirst().orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("{\"schemaVersion\":1,\"jobId\":");
    }

    @Test
    void submitAndStatusWorkAgainstTheClusterFromTheCommandLine() throws Exception {
        Path plan = Files.createTempFile("plan-", ".yaml");
        Files.writeString(plan, "dataset: synthetic\narch: mlp:16\nmethod: gmp\ntargetSparsity: 0.8\nrounds: 2\n"
                + "denseEpochs: 1\nevaluators: [accuracy, sparsity]\n");
        String servers = TestKafka.bootstrapServers();

        Cli.Result submitted = Cli.run(List.of("submit", "--bootstrap-servers", servers, "--plan", plan.toString(),
                "--job-id", "cli-job", "--wait", "--timeout", "120"));
        assertThat(submitted.code()).as(submitted.out() + submitted.err()).isZero();
        assertThat(submitted.out()).contains("job cli-job submitted", "round  2/2   completed", "at sparsity 0.80");

        Cli.Result status = Cli.run(List.of("status", "cli-job", "--bootstrap-servers", servers));
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("job cli-job: COMPLETED, round 2/2", "result: dense", "(target 0.8000)");

        Cli.Result unknown = Cli.run(List.of("status", "no-such-job", "--bootstrap-servers", servers));
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("error: no status for job no-such-job on " + servers);

        Cli.Result badPlan = Cli.run(List.of("submit", "--bootstrap-servers", servers, "--scorer", "taylor"));
        assertThat(badPlan.code()).isEqualTo(2);
        assertThat(badPlan.err()).startsWith("error: unknown scorer plugin 'taylor'");
    }

    @Test
    void aRetrainedModelVersionIsCompressedWithItsStandingPlanWithoutDenseTraining() throws Exception {
        // given a dense model trained elsewhere, as a DL4J zip (version 7) and as a checkpoint (version 8)
        CheckpointEvent trained = PipelineFixtures.eventOn(Topics.CHECKPOINTS_TRAINED, 0, "retrained-template",
                PipelineFixtures.tinyPlan(), transport);
        var dense = transport.checkpoint(trained.checkpoint());
        Path zip = pipeline.store().resolve("tiny-model-7.zip");
        io.crespr.shared.model.Dl4jModels.export(dense, zip);
        byte[] zipBytes = Files.readAllBytes(zip);
        PayloadRef zipRef = new PayloadRef(PayloadRef.DL4J_ZIP, PayloadRef.STORE, zipBytes.length,
                CheckpointCodec.sha256(zipBytes), null, zip.toUri().toString());
        TopicProbe.send(Topics.MODELS_RETRAINED, "tiny-model",
                new ModelRetrained(1, "tiny-model", "7", null, zipRef, null));
        TopicProbe.send(Topics.MODELS_RETRAINED, "tiny-model",
                new ModelRetrained(1, "tiny-model", "8", transport.putCheckpoint("x", dense), null, null));
        TopicProbe.send(Topics.MODELS_RETRAINED, "other-model",
                new ModelRetrained(1, "other-model", "1", transport.putCheckpoint("x", dense), null, null));

        // then each version gets one result that names it, from the standing plan, without dense training
        for (String version : List.of("7", "8")) {
            String job = io.crespr.shared.messages.JobIds.forModel("tiny-model", version);
            await().atMost(Duration.ofSeconds(60)).until(() -> !TopicProbe.events(Topics.RESULTS, job).isEmpty());
            JobCompleted done = TopicProbe.events(Topics.RESULTS, job).get(0);
            assertThat(done.model()).isEqualTo(new io.crespr.shared.messages.ModelVersion("tiny-model", version));
            assertThat(done.targetSparsity()).isEqualTo(0.75);
            assertThat(done.stageSeconds()).doesNotContainKey("train").containsKeys("evaluate", "prune");
            assertThat(transport.checkpoint(done.dense()).params()).usingRecursiveComparison()
                    .isEqualTo(dense.params());
            assertThat(TopicProbe.events(Topics.JOB_STATUS, job)).extracting(JobStatus::state)
                    .startsWith(JobState.SUBMITTED, JobState.EVALUATING).endsWith(JobState.COMPLETED);
        }
        // a model without a standing plan is bad input
        String other = io.crespr.shared.messages.JobIds.forModel("other-model", "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicProbe.events(Topics.JOB_STATUS, other).stream()
                .anyMatch(s -> s.state() == JobState.FAILED
                        && s.reason().contains("no standing plan for model 'other-model'; configured: tiny-model")));
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static CheckpointEvent with(CheckpointEvent e, String jobId, Map<String, Object> plan, PayloadRef ckpt) {
        return new CheckpointEvent(e.schemaVersion(), e.event(), jobId, e.round(), e.rounds(), plan, e.model(),
                e.history(), e.roundSeconds(), e.roundMetrics(), e.stageSeconds(), e.codecSeconds(), ckpt, e.saliency(), e.dense(),
                e.provenance(), e.submittedAt());
    }
}
