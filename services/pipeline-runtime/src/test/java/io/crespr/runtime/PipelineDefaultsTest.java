package io.crespr.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.configuration.kafka.config.AbstractKafkaConsumerConfiguration;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineDefaultsTest {

    @Test
    void everyContextGetsTheConsumerSideOfTheSizeLimitAndConfigurationWins() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("crespr.create-topics", "false",
                "kafka.bootstrap.servers", "127.0.0.1:1"))) {
            var consumer = ctx.getBean(AbstractKafkaConsumerConfiguration.class).getConfig();
            assertThat(consumer.get("max.partition.fetch.bytes")).hasToString("8388608");
            assertThat(consumer.get("max.poll.interval.ms")).hasToString("3600000");
            assertThat(consumer.get("session.timeout.ms")).hasToString("10000");
            assertThat(ctx.getBean(KafkaClientProperties.class).producer()).containsEntry("max.request.size", "8454144")
                    .containsEntry("bootstrap.servers", "127.0.0.1:1");
        }
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("crespr.create-topics", "false",
                "crespr.max-message-bytes", "2097152", "kafka.consumers.default.max.poll.interval.ms", "1000"))) {
            var consumer = ctx.getBean(AbstractKafkaConsumerConfiguration.class).getConfig();
            assertThat(consumer.get("max.partition.fetch.bytes")).hasToString("2097152");
            assertThat(consumer.get("max.poll.interval.ms")).hasToString("1000");
            assertThat(ctx.getBean(KafkaClientProperties.class).producer()).containsEntry("max.request.size", "2162688");
        }
    }
}
