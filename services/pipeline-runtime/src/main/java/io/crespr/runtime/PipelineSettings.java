package io.crespr.runtime;

import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.KafkaLimits;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline's own settings ({@code crespr.*} in {@code application.yml}, or environment
 * variables such as {@code CRESPR_CHECKPOINT_STORE}); every one has a default.
 */
@ConfigurationProperties("crespr")
public class PipelineSettings {

    private Path dataDir = Datasets.defaultDataDir();
    private Path checkpointStore = Path.of(System.getProperty("user.home"), ".crespr", "checkpoints");
    private int inlineLimit = CheckpointTransport.DEFAULT_INLINE_LIMIT;
    private long maxPayloadBytes = CheckpointTransport.DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxMessageBytes = KafkaLimits.DEFAULT_MAX_MESSAGE_BYTES;
    private int partitions = 3;
    private int replicationFactor = -1;
    private Duration retention = Duration.ofDays(7);
    private boolean createTopics = true;
    private Map<String, String> standingPlans = new LinkedHashMap<>();

    /** Where fetched datasets live (mnist-mini and synthetic need none). */
    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Root of the filesystem checkpoint store; a shared volume when the services run apart. */
    public Path getCheckpointStore() {
        return checkpointStore;
    }

    public void setCheckpointStore(Path checkpointStore) {
        this.checkpointStore = checkpointStore;
    }

    /** Largest compressed (zstd) checkpoint sent inline, in bytes (default 1 MiB); larger ones go to the store. */
    public int getInlineLimit() {
        return inlineLimit;
    }

    public void setInlineLimit(int inlineLimit) {
        this.inlineLimit = inlineLimit;
    }

    /**
     * Largest payload a stage reads or writes, decompressed (default 512 MiB): a checkpoint, a
     * saliency or a DL4J model zip (all its entries inflated), and the values of a decoded
     * checkpoint. Whatever a record announces, nothing larger is allocated.
     */
    public long getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public void setMaxPayloadBytes(long maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The Kafka record size limit of broker, topics, producers and consumers (default 8 MiB). */
    public int getMaxMessageBytes() {
        return maxMessageBytes;
    }

    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Partitions of each topic created at start-up (default 3). */
    public int getPartitions() {
        return partitions;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    /** Replicas of each topic created at start-up; -1 (default) takes the broker's default. */
    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    /** How long records stay on the non-compacted topics (default 7 days). */
    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    /** Whether each service creates the topics it needs at start-up (default true). */
    public boolean isCreateTopics() {
        return createTopics;
    }

    public void setCreateTopics(boolean createTopics) {
        this.createTopics = createTopics;
    }

    /** Plan file by model name, for versions published to {@code crespr.models.retrained.v1}. */
    public Map<String, String> getStandingPlans() {
        return standingPlans;
    }

    public void setStandingPlans(Map<String, String> standingPlans) {
        this.standingPlans = standingPlans == null ? new LinkedHashMap<>() : new LinkedHashMap<>(standingPlans);
    }

    public KafkaLimits limits() {
        return new KafkaLimits(maxMessageBytes);
    }

    public TopicSettings topicSettings() {
        return new TopicSettings(partitions, replicationFactor, retention, limits());
    }
}
