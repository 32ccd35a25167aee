package io.crespr.runtime;

import io.crespr.shared.messages.KafkaLimits;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;
import io.micronaut.context.env.PropertySource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defaults every stage service's context gets, whatever {@code application.yml} is first on the
 * classpath (several services share one classpath in the one-JVM mode, and their
 * {@code application.yml} files do not merge): the consumer side of the size limit, and a poll
 * interval long enough for a stage's work. Any setting here can be overridden in configuration.
 */
@ContextConfigurer
public class PipelineDefaults implements ApplicationContextConfigurer {

    /** Lower than every file and environment source, so those win. */
    private static final int ORDER = Integer.MIN_VALUE + 1000;

    @Override
    public void configure(ApplicationContextBuilder builder) {
        builder.propertySources(PropertySource.of("crespr-pipeline-defaults", properties(), ORDER));
    }

    /** The defaults as properties. */
    public static Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        String max = "${crespr.max-message-bytes:" + KafkaLimits.DEFAULT_MAX_MESSAGE_BYTES + "}";
        m.put("kafka.consumers.default.max.partition.fetch.bytes", max);
        m.put("kafka.consumers.default.fetch.max.bytes", "${crespr.max-fetch-bytes:52428800}");
        // Dense training of a large model can take many minutes between two polls.
        m.put("kafka.consumers.default.max.poll.interval.ms", "3600000");
        m.put("kafka.consumers.default.auto.offset.reset", "earliest");
        // A stage that dies without leaving its group (SIGKILL, a lost node) keeps its partitions
        // until its session expires: 10 s rather than Kafka's 45 s before another instance, or
        // the same one restarted, takes its records over. Heartbeats run on their own thread, so
        // long work on a record does not count against it (max.poll.interval.ms above does).
        m.put("kafka.consumers.default.session.timeout.ms", "10000");
        m.put("kafka.consumers.default.heartbeat.interval.ms", "3000");
        // Metrics at /prometheus, health at /health; every other management endpoint is off.
        m.put("micronaut.metrics.enabled", true);
        m.put("micronaut.metrics.export.prometheus.enabled", true);
        m.put("micronaut.metrics.export.prometheus.descriptions", true);
        // The listeners' consumers are bound by StageMetrics, with the stage as a label.
        m.put("micronaut.metrics.binders.kafka.enabled", false);
        m.put("endpoints.all.enabled", false);
        m.put("endpoints.all.sensitive", true);
        m.put("endpoints.health.enabled", true);
        m.put("endpoints.health.sensitive", false);
        // Status only (UP needs Kafka to answer too); disk, cluster id and the like stay private.
        m.put("endpoints.health.details-visible", "NEVER");
        m.put("endpoints.prometheus.enabled", true);
        m.put("endpoints.prometheus.sensitive", false);
        return m;
    }
}
