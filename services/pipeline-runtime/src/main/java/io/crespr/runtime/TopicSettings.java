package io.crespr.runtime;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.KafkaLimits;
import java.time.Duration;

/**
 * How the pipeline's topics are created: partitions, replicas (-1: the broker's default),
 * retention of the non-compacted topics, and the size limit every topic shares.
 */
public record TopicSettings(int partitions, int replicationFactor, Duration retention, KafkaLimits limits) {

    public TopicSettings {
        if (partitions < 1) {
            throw new InvalidInputException("crespr.partitions must be >= 1, got " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new InvalidInputException("crespr.replication-factor must be >= 1, or -1 for the broker default, got "
                    + replicationFactor);
        }
    }
}
