package io.crespr.allinone;

import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.messages.KafkaLimits;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The five stage services in this JVM: one Micronaut context holding all five real listeners
 * (each with its own consumer group), against the in-process broker or an external cluster.
 */
final class StreamingPipeline implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final ApplicationContext context;
    private final String bootstrapServers;
    private final Path store;
    private final boolean temporaryStore;
    private EmbeddedServer metricsServer;
    final double brokerSeconds;
    final double servicesSeconds;

    private StreamingPipeline(EmbeddedKafkaBroker broker, ApplicationContext context, String bootstrapServers,
            Path store, boolean temporaryStore, double brokerSeconds, double servicesSeconds) {
        this.broker = broker;
        this.context = context;
        this.bootstrapServers = bootstrapServers;
        this.store = store;
        this.temporaryStore = temporaryStore;
        this.brokerSeconds = brokerSeconds;
        this.servicesSeconds = servicesSeconds;
    }

    /**
     * Starts the broker (unless {@code bootstrapServers} names one) and the five services.
     *
     * @param store    the checkpoint store; null for a temporary one, deleted on close
     * @param settings further {@code crespr.*} or {@code kafka.*} properties
     */
    static StreamingPipeline start(String bootstrapServers, Path store, Map<String, Object> settings) {
        long t0 = System.nanoTime();
        EmbeddedKafkaBroker broker = null;
        String servers = bootstrapServers;
        if (servers == null) {
            broker = EmbeddedKafkaBroker.start(KafkaLimits.defaults().broker());
            servers = broker.bootstrapServers();
        }
        double brokerSeconds = (System.nanoTime() - t0) / 1e9;
        boolean temporary = store == null;
        try {
            Path dir = temporary ? Files.createTempDirectory("crespr-checkpoints-") : store;
            long t1 = System.nanoTime();
            Map<String, Object> props = new HashMap<>(settings);
            props.put("kafka.bootstrap.servers", servers);
            if (broker != null) {
                // The in-process broker speaks plain Kafka on loopback, whatever KAFKA_SECURITY_* the
                // environment holds for an external cluster.
                props.put("kafka.security.protocol", "PLAINTEXT");
            }
            props.put("crespr.checkpoint-store", dir.toString());
            props.putIfAbsent("micronaut.application.name", "crespr");
            ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).properties(props).start();
            return new StreamingPipeline(broker, ctx, servers, dir, temporary, brokerSeconds,
                    (System.nanoTime() - t1) / 1e9);
        } catch (IOException | RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    boolean inProcessBroker() {
        return broker != null;
    }

    ApplicationContext context() {
        return context;
    }

    Path store() {
        return store;
    }

    /**
     * Starts the HTTP server of this JVM's services, with {@code /prometheus} and {@code /health}
     * only, on {@code micronaut.server.host}/{@code micronaut.server.port} of the settings.
     *
     * @return the server's base URL
     */
    synchronized URI serveMetrics() {
        if (metricsServer == null) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            metricsServer = server;
        }
        return metricsServer.getURI();
    }

    @Override
    public void close() {
        try {
            if (metricsServer != null) {
                metricsServer.stop();
            }
            context.close();
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (temporaryStore) {
                try (Stream<Path> files = Files.walk(store)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }
}
