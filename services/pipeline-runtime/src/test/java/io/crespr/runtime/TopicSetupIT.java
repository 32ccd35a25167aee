package io.crespr.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.Topics;
import io.crespr.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicSetupIT {

    @Test
    void createsEveryTopicAndTheDeadLetterTopicsOnceWithTheirSettings() throws Exception {
        TopicSettings settings = new TopicSettings(2, -1, Duration.ofHours(5), KafkaLimits.defaults());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, settings);
            assertThat(TopicSetup.ensure(admin, settings)).isEmpty();
            var names = admin.listTopics().names().get();
            assertThat(names).containsAll(Topics.ALL.stream().map(t -> t.name()).toList())
                    .contains("crespr.jobs.v1.dlt", "crespr.checkpoints.scored.v1.dlt")
                    .doesNotContain("crespr.results.v1.dlt", "crespr.job-status.v1.dlt");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.JOB_STATUS_NAME),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHECKPOINTS_TRAINED_NAME),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHECKPOINTS_TRAINED.deadLetterTopic())))
                    .all().get();
            Config status = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.JOB_STATUS_NAME));
            Config trained = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHECKPOINTS_TRAINED_NAME));
            assertThat(status.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(trained.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(trained.get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofHours(5).toMillis()));
            assertThat(trained.get("max.message.bytes").value()).isEqualTo("8388608");
            // a dead letter is its record plus headers: room for them above the limit
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC,
                    Topics.CHECKPOINTS_TRAINED.deadLetterTopic())).get("max.message.bytes").value())
                    .isEqualTo(String.valueOf(8388608 + KafkaLimits.DEAD_LETTER_HEADROOM));
            assertThat(admin.describeTopics(List.of(Topics.JOBS_NAME)).allTopicNames().get().get(Topics.JOBS_NAME)
                    .partitions()).hasSize(2);
        }
    }
}
