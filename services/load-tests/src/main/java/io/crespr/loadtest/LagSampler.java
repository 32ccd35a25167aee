package io.crespr.loadtest;

import io.crespr.shared.messages.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples each stage's consumer lag with the AdminClient: for every input partition of the
 * stage's consumer group, the last stable offset ({@code read_committed} end) minus the group's
 * committed offset (the log start where the group has committed nothing yet), summed over the
 * partitions. Offsets, not records: a transactional producer's commit marker takes an offset
 * too, so on the checkpoint topics, written one record per transaction, the lag can read up to
 * twice the records waiting.
 */
final class LagSampler {

    private static final Logger LOG = LoggerFactory.getLogger(LagSampler.class);

    /** Each stage's consumer group and input topics. */
    static final Map<String, Group> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("training", new Group(Topics.TRAINING_GROUP,
                List.of(Topics.JOBS_NAME, Topics.MODELS_RETRAINED_NAME, Topics.CHECKPOINTS_PRUNED_NAME)));
        GROUPS.put("evaluation", new Group(Topics.EVALUATION_GROUP, List.of(Topics.CHECKPOINTS_TRAINED_NAME)));
        GROUPS.put("clustering", new Group(Topics.CLUSTERING_GROUP, List.of(Topics.CHECKPOINTS_EVALUATED_NAME)));
        GROUPS.put("hessian", new Group(Topics.HESSIAN_GROUP, List.of(Topics.CHECKPOINTS_CLUSTERED_NAME)));
        GROUPS.put("pruning", new Group(Topics.PRUNING_GROUP, List.of(Topics.CHECKPOINTS_SCORED_NAME)));
    }

    record Group(String id, List<String> topics) {
    }

    private final Admin admin;
    private final long timeoutMillis;
    private Map<String, List<TopicPartition>> partitionsByStage;

    LagSampler(Admin admin, long timeoutMillis) {
        this.admin = admin;
        this.timeoutMillis = timeoutMillis;
    }

    /** Lag per stage now, in offsets; a stage whose figures could not be read is left out. */
    Map<String, Long> sample() throws Exception {
        if (partitionsByStage == null) {
            partitionsByStage = partitions();
        }
        List<TopicPartition> all = partitionsByStage.values().stream().flatMap(List::stream).distinct().toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        all.forEach(tp -> {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        });
        ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest, committedOnly)
                .all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest, committedOnly)
                .all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        Map<String, Long> lag = new LinkedHashMap<>();
        for (Map.Entry<String, Group> g : GROUPS.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = admin.listConsumerGroupOffsets(g.getValue().id()).partitionsToOffsetAndMetadata()
                        .get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debug("no offsets of {}: {}", g.getValue().id(), e.toString());
                continue;
            }
            long sum = 0;
            for (TopicPartition tp : partitionsByStage.get(g.getKey())) {
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                long from = c != null ? c.offset() : starts.get(tp).offset();
                sum += Math.max(0, end - from);
            }
            lag.put(g.getKey(), sum);
        }
        return lag;
    }

    private Map<String, List<TopicPartition>> partitions() throws Exception {
        List<String> topics = GROUPS.values().stream().flatMap(g -> g.topics().stream()).distinct().toList();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
        Map<String, List<TopicPartition>> m = new LinkedHashMap<>();
        GROUPS.forEach((stage, g) -> {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : g.topics()) {
                for (TopicPartitionInfo p : described.get(t).partitions()) {
                    tps.add(new TopicPartition(t, p.partition()));
                }
            }
            m.put(stage, tps);
        });
        return m;
    }
}
