package io.crespr.allinone;

import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --bootstrap-servers}, defaulting to {@code $KAFKA_BOOTSTRAP_SERVERS}, then localhost:9092. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", description = "Kafka cluster, host:port,… (default: $KAFKA_BOOTSTRAP_SERVERS, "
            + "else localhost:9092)")
    String bootstrapServers;

    @Mixin
    KafkaSecurityOptions security = new KafkaSecurityOptions();

    String servers() {
        if (bootstrapServers != null) {
            return bootstrapServers;
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env != null && !env.isBlank() ? env : "localhost:9092";
    }

    /** Client settings besides the bootstrap servers: security, from the environment or --kafka-config. */
    Map<String, Object> clientSettings() {
        return security.settings();
    }
}
