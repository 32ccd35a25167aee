package io.crespr.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Apache Kafka 4 broker inside this JVM: KRaft mode (broker and controller in one
 * node), listening on loopback only, its log in a fresh temporary directory that is deleted on
 * {@link #close()}. Format and start take about two seconds.
 *
 * <p>Settings that a single node needs (every replication factor and minimum ISR 1, no initial
 * rebalance delay, few internal partitions so transactions and groups start quickly) are set
 * here; {@code overrides} add or replace broker settings, such as the message size limits.
 *
 * <p>{@link #stop()} and {@link #restart()} take the broker down and bring it back on the same
 * ports and the same log directory, with its topics, records, committed offsets and
 * transaction state: what clients see when a real broker restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final Path logDir;
    private final KafkaConfig config;
    private final String bootstrapServers;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, KafkaConfig config, String bootstrapServers) {
        this.logDir = logDir;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a temporary log directory and starts a broker on it; returns when the broker
     * answers a metadata request.
     *
     * @param overrides broker settings that replace the defaults (for example {@code message.max.bytes})
     * @throws IllegalStateException when the broker does not come up within 60 seconds
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        long t0 = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("crespr-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory for the in-process Kafka broker", e);
        }
        int port = freePort();
        int controllerPort = freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        // A single node: every internal topic has one replica, or groups and transactions never form.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("default.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.putAll(overrides);

        KafkaConfig config = new KafkaConfig(props, false);
        format(dir);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, config, HOST + ":" + port);
        try {
            broker.startServer();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("in-process Kafka broker (KRaft) at {} in {} ms, log in {}", broker.bootstrapServers,
                (System.nanoTime() - t0) / 1_000_000, dir);
        return broker;
    }

    private void startServer() {
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        server = s;
        s.startup();
        awaitReady(Duration.ofSeconds(60));
    }

    /**
     * Shuts the broker down as a restart would (a controlled shutdown), keeping its log directory;
     * clients lose their connections. Does nothing when it is already stopped.
     */
    public synchronized void stop() {
        if (closed) {
            throw new IllegalStateException("the in-process Kafka broker is closed");
        }
        if (server != null) {
            long t0 = System.nanoTime();
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
            LOG.info("in-process Kafka broker at {} stopped in {} ms", bootstrapServers,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Starts the broker again on the same ports and log directory (stopping it first if it runs);
     * returns when it answers a metadata request.
     *
     * @throws IllegalStateException when it does not come back within 60 seconds, or the broker is closed
     */
    public synchronized void restart() {
        stop();
        long t0 = System.nanoTime();
        startServer();
        LOG.info("in-process Kafka broker at {} restarted in {} ms", bootstrapServers,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Whether the broker runs (it was started and not stopped or closed since). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code host:port} of the broker's loopback listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    private static void format(Path dir) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setUnstableFeatureVersionsEnabled(false)
                .setIgnoreFormatted(false)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(dir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction());
        formatter.addDirectory(dir.toString());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the in-process Kafka broker's log directory: " + e, e);
        }
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the in-process Kafka broker did not start within "
                                + timeout.toSeconds() + " s: " + e, e);
                    }
                }
                sleep(50);
            }
        }
    }

    /** Stops the broker and deletes its log directory; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
                server = null;
            }
        } finally {
            deleteTree(logDir);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the in-process Kafka broker", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", f, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the in-process Kafka broker", e);
        }
    }
}
