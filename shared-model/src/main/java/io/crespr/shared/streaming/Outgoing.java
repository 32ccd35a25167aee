package io.crespr.shared.streaming;

import io.crespr.shared.messages.TopicSpec;

/** An event a handler wants published: topic, key and value. */
public record Outgoing(TopicSpec<?> topic, String key, Object value) {

    public Outgoing {
        if (value != null && !topic.valueType().isInstance(value)) {
            throw new IllegalArgumentException(topic.name() + " carries " + topic.valueType().getSimpleName()
                    + ", not " + value.getClass().getSimpleName());
        }
    }
}
