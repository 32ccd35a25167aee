package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.StageSteps;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TestKafka;
import io.crespr.testkit.TopicProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The stage services as separate contexts on one broker: training stopped in the middle of a job
 * and started again as two instances that share its partitions; the job completes with exactly
 * one result and no stage output twice.
 */
class StageRestartIT {

    private static final List<String> STAGES = List.of("training", "clustering", "hessian", "pruning", "evaluation");

    private static StreamingPipeline start(Path store, Set<String> enabled) {
        Map<String, Object> p = new HashMap<>(Map.of("crespr.partitions", "2"));
        STAGES.forEach(s -> p.put("crespr.stages." + s + ".enabled", String.valueOf(enabled.contains(s))));
        return StreamingPipeline.start(TestKafka.bootstrapServers(), store, p);
    }

    @Test
    void aJobSurvivesItsTrainingServiceStoppingAndTwoInstancesShareTheWork() throws Exception {
        Path store = Files.createTempDirectory("crespr-restart-it-");
        Map<String, Object> plan = PipelineFixtures.tinyPlan();
        plan.put("rounds", 3);
        plan.put("denseEpochs", 4);
        var p = Plans.build(plan, null);
        String job = "restart-it";
        try (StreamingPipeline others = start(store, Set.of("clustering", "hessian", "pruning", "evaluation"));
                JobClient client = new JobClient(TestKafka.bootstrapServers(), KafkaLimits.defaults())) {
            StreamingPipeline training = start(store, Set.of("training"));
            JobClient.Watch watch = client.watch(job);
            client.submit(job, Plans.toMap(p), new StageSteps(p, null).rounds());

            // when training is stopped as soon as it has started on the job (dense training)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    client.status(job).map(s -> s.state() == JobState.TRAINING).orElse(false));
            training.close();

            // and the stage comes back as two instances of one consumer group
            StreamingPipeline a = start(store, Set.of("training"));
            StreamingPipeline b = start(store, Set.of("training"));
            try (a; b; watch) {
                JobCompleted done = watch.await(Duration.ofSeconds(120), s -> { });
                assertThat(done.rounds()).hasSize(3);

                // then the two instances split the training input partitions between them
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        var members = admin.describeConsumerGroups(List.of(Topics.TRAINING_GROUP)).all().get()
                                .get(Topics.TRAINING_GROUP).members();
                        assertThat(members).hasSize(2);
                        List<Set<TopicPartition>> owned = new ArrayList<>();
                        for (MemberDescription m : members) {
                            owned.add(m.assignment().topicPartitions());
                        }
                        assertThat(owned).allSatisfy(s -> assertThat(s).isNotEmpty());
                        Set<TopicPartition> all = new HashSet<>(owned.get(0));
                        all.addAll(owned.get(1));
                        assertThat(all).hasSize(owned.get(0).size() + owned.get(1).size()).hasSize(6);
                    });
                }
            }
        }
        // exactly one result, and no stage's output twice
        assertThat(TopicProbe.events(Topics.RESULTS, job)).hasSize(1);
        assertThat(TopicProbe.events(Topics.CHECKPOINTS_TRAINED, job)).extracting(e -> e.round())
                .containsExactly(0, 1, 2, 3);
        assertThat(TopicProbe.events(Topics.CHECKPOINTS_PRUNED, job)).extracting(e -> e.round())
                .containsExactly(1, 2, 3);
    }
}
