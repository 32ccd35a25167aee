package io.crespr.runtime;

import io.crespr.shared.messages.KafkaLimits;
import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * The client settings of this service's own producers and admin client: everything under
 * {@code kafka.*} (bootstrap servers, security), plus the size limit.
 */
@Singleton
public class KafkaClientProperties {

    private final Map<String, Object> common;
    private final KafkaLimits limits;

    public KafkaClientProperties(KafkaDefaultConfiguration kafka, PipelineSettings settings) {
        Map<String, Object> m = new HashMap<>();
        kafka.getConfig().forEach((k, v) -> m.put(String.valueOf(k), v));
        m.keySet().removeIf(k -> k.startsWith("health") || k.equals("enabled"));
        this.common = Map.copyOf(m);
        this.limits = settings.limits();
    }

    public Map<String, Object> admin() {
        return common;
    }

    /** Settings of the stages' producers: they write dead letters too, which may exceed the limit a little. */
    public Map<String, Object> producer() {
        Map<String, Object> m = new HashMap<>(common);
        m.putAll(limits.stageProducer());
        return m;
    }
}
