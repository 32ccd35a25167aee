package io.crespr.runtime;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the pipeline's topics when the service starts (unless {@code crespr.create-topics} is
 * false), before its consumers subscribe.
 */
@Context
@Requires(property = "crespr.create-topics", notEquals = "false")
public class PipelineTopics {

    private final KafkaClientProperties kafka;
    private final PipelineSettings settings;

    public PipelineTopics(KafkaClientProperties kafka, PipelineSettings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    @PostConstruct
    void create() {
        try (Admin admin = Admin.create(kafka.admin())) {
            TopicSetup.ensure(admin, settings.topicSettings());
        }
    }
}
