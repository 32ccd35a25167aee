package io.crespr.runtime;

import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every topic of the registry and its dead-letter topic, with the configured partitions,
 * replicas and retention, the size limit (a dead-letter topic's leaves room for the headers a
 * dead letter adds), and compaction for the status topic. Topics that
 * exist are left as they are.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** The topics to create: each of the registry's, then the {@code .dlt} of each one a stage reads. */
    public static List<NewTopic> topics(TopicSettings s) {
        List<NewTopic> out = new ArrayList<>();
        for (TopicSpec<?> t : Topics.ALL) {
            out.add(newTopic(t.name(), s, t.compacted(), s.limits().topic()));
        }
        for (TopicSpec<?> t : Topics.ALL) {
            if (t.consumedByStages()) {
                out.add(newTopic(t.deadLetterTopic(), s, false, s.limits().deadLetterTopic()));
            }
        }
        return out;
    }

    private static NewTopic newTopic(String name, TopicSettings s, boolean compacted, Map<String, String> limits) {
        Map<String, String> config = new LinkedHashMap<>(limits);
        if (compacted) {
            config.put("cleanup.policy", "compact");
        } else {
            config.put("retention.ms", String.valueOf(s.retention().toMillis()));
        }
        Optional<Short> replicas = s.replicationFactor() < 0 ? Optional.empty()
                : Optional.of((short) s.replicationFactor());
        return new NewTopic(name, Optional.of(s.partitions()), replicas).configs(config);
    }

    /** Creates what is missing; returns the names it created. */
    public static List<String> ensure(Admin admin, TopicSettings s) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics(s).stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            var result = admin.createTopics(missing);
            for (NewTopic t : missing) {
                try {
                    result.values().get(t.name()).get();
                    created.add(t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause(), e);
                    }
                }
            }
            LOG.info("created {} topics: {}", created.size(), created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause(), e);
        }
    }
}
