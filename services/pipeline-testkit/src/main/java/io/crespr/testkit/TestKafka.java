package io.crespr.testkit;

import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.messages.KafkaLimits;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One real Kafka broker per test JVM: Testcontainers' Kafka where a Docker engine answers,
 * the in-process KRaft broker otherwise. The log says which.
 */
public final class TestKafka {

    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);
    private static String bootstrapServers;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = start();
        }
        return bootstrapServers;
    }

    private static String start() {
        KafkaLimits limits = KafkaLimits.defaults();
        boolean docker = dockerAvailable();
        if (docker) {
            KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
            limits.broker().forEach((k, v) -> kafka.withEnv("KAFKA_" + k.toUpperCase(java.util.Locale.ROOT)
                    .replace('.', '_'), v));
            kafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-stop"));
            LOG.info("tests use Testcontainers' Kafka (Docker) at {}", kafka.getBootstrapServers());
            return kafka.getBootstrapServers();
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(limits.broker());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
        LOG.info("tests use the in-process Kafka broker (no Docker engine) at {}", broker.bootstrapServers());
        return broker.bootstrapServers();
    }

    private static boolean dockerAvailable() {
        // Asking Testcontainers where there is plainly no engine logs a page of errors; look first.
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                && !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Properties for a stage service's test context on this broker. */
    public static Map<String, String> contextProperties(java.nio.file.Path store) {
        return Map.of("kafka.bootstrap.servers", bootstrapServers(),
                "micronaut.test.resources.enabled", "false",
                "crespr.checkpoint-store", store.toString(),
                "crespr.partitions", "2",
                // the service's HTTP server (health, metrics) on a free port, not its default one
                "micronaut.server.port", "-1");
    }
}
