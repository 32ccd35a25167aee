package io.crespr.loadtest;

import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.KafkaLimits;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The five stage services in this JVM, as {@code crespr run} starts them: one Micronaut context
 * with the five listeners, against the in-process broker (started here unless a cluster is
 * given). A stage asked for N instances gets N - 1 more contexts with only that stage's listener
 * enabled: more members of the stage's consumer group, which split its partitions. A stage asked
 * for 0 instances has no listener at all (its jobs wait).
 */
final class LocalPipeline implements AutoCloseable {

    static final List<String> STAGES = List.of("training", "clustering", "hessian", "pruning", "evaluation");
    static final int MAX_INSTANCES = 8;

    private final EmbeddedKafkaBroker broker;
    private final List<ApplicationContext> contexts;
    private final String bootstrapServers;
    private final Path store;
    final double startSeconds;

    private LocalPipeline(EmbeddedKafkaBroker broker, List<ApplicationContext> contexts, String bootstrapServers,
            Path store, double startSeconds) {
        this.broker = broker;
        this.contexts = contexts;
        this.bootstrapServers = bootstrapServers;
        this.store = store;
        this.startSeconds = startSeconds;
    }

    /** Parses {@code STAGE=N} entries into instances per stage (every stage 1 unless named). */
    static Map<String, Integer> instances(List<String> entries) {
        Map<String, Integer> m = new LinkedHashMap<>();
        STAGES.forEach(s -> m.put(s, 1));
        if (entries == null) {
            return m;
        }
        for (String e : entries) {
            int eq = e.indexOf('=');
            String stage = eq < 0 ? e.trim() : e.substring(0, eq).trim();
            if (eq < 0 || !STAGES.contains(stage)) {
                throw new InvalidInputException("--stage-instances takes STAGE=N with STAGE one of "
                        + String.join(", ", STAGES) + ", got '" + e + "'");
            }
            int n;
            try {
                n = Integer.parseInt(e.substring(eq + 1).trim());
            } catch (NumberFormatException ex) {
                throw new InvalidInputException("--stage-instances " + stage + "=N needs a whole number, got '" + e + "'");
            }
            if (n < 0 || n > MAX_INSTANCES) {
                throw new InvalidInputException("--stage-instances " + stage + " must be 0 to " + MAX_INSTANCES
                        + ", got " + n);
            }
            m.put(stage, n);
        }
        return m;
    }

    /**
     * Starts the broker (unless {@code bootstrapServers} names a cluster) and the stage services.
     *
     * @param instances  instances per stage, from {@link #instances}
     * @param partitions partitions of the topics the services create (0: the pipeline's default)
     * @param dataDir    datasets directory (null: the pipeline's default)
     * @param clientSettings security settings of the external cluster (unused with the in-process broker)
     */
    static LocalPipeline start(String bootstrapServers, Map<String, Integer> instances, int partitions, Path dataDir,
            Map<String, Object> clientSettings) {
        long t0 = System.nanoTime();
        EmbeddedKafkaBroker broker = null;
        List<ApplicationContext> contexts = new ArrayList<>();
        Path store = null;
        try {
            String servers = bootstrapServers;
            if (servers == null) {
                broker = EmbeddedKafkaBroker.start(KafkaLimits.defaults().broker());
                servers = broker.bootstrapServers();
            }
            store = Files.createTempDirectory("crespr-load-test-checkpoints-");
            int most = instances.values().stream().mapToInt(Integer::intValue).max().orElse(1);
            for (int k = 1; k <= Math.max(1, most); k++) {
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("kafka.bootstrap.servers", servers);
                if (bootstrapServers != null) {
                    clientSettings.forEach((key, v) -> props.put("kafka." + key, v));
                } else {
                    // the in-process broker: plain Kafka, whatever KAFKA_SECURITY_* the environment holds
                    props.put("kafka.security.protocol", "PLAINTEXT");
                }
                props.put("crespr.checkpoint-store", store.toString());
                props.put("micronaut.application.name", k == 1 ? "crespr" : "crespr-" + k);
                if (partitions > 0) {
                    props.put("crespr.partitions", String.valueOf(partitions));
                }
                if (dataDir != null) {
                    props.put("crespr.data-dir", dataDir.toString());
                }
                for (String s : STAGES) {
                    props.put("crespr.stages." + s + ".enabled", String.valueOf(instances.getOrDefault(s, 1) >= k));
                }
                contexts.add(ApplicationContext.builder().deduceEnvironment(false).properties(props).start());
            }
            return new LocalPipeline(broker, contexts, servers, store, (System.nanoTime() - t0) / 1e9);
        } catch (IOException | RuntimeException e) {
            closeAll(contexts, broker, store);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    boolean inProcessBroker() {
        return broker != null;
    }

    int contexts() {
        return contexts.size();
    }

    @Override
    public void close() {
        closeAll(contexts, broker, store);
    }

    private static void closeAll(List<ApplicationContext> contexts, EmbeddedKafkaBroker broker, Path store) {
        try {
            for (int i = contexts.size() - 1; i >= 0; i--) {
                try {
                    contexts.get(i).close();
                } catch (RuntimeException ignored) {
                    // closing the others matters more
                }
            }
            contexts.clear();
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (store != null) {
                try (Stream<Path> files = Files.walk(store)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }
}
