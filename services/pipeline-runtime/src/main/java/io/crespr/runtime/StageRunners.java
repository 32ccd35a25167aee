package io.crespr.runtime;

import io.crespr.shared.streaming.StageHandler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Makes the {@link StageRunner} of each listener method and closes them all on shutdown. */
@Singleton
public class StageRunners {

    private final KafkaClientProperties kafka;
    private final StatusPublisher status;
    private final StageMetrics metrics;
    private final List<StageRunner> runners = new CopyOnWriteArrayList<>();

    public StageRunners(KafkaClientProperties kafka, StatusPublisher status, StageMetrics metrics) {
        this.kafka = kafka;
        this.status = status;
        this.metrics = metrics;
    }

    /**
     * A runner with its own transactional producer, for one consumer thread.
     *
     * @param inputTopics the topics its listener reads: their failure meters start at zero now,
     *                    so that a rate or an alert sees the first failure
     */
    public StageRunner create(StageHandler handler, String... inputTopics) {
        metrics.stageStarted(handler.stage(), java.util.List.of(inputTopics));
        StageRunner r = new StageRunner(handler, kafka.producer(), status, metrics);
        runners.add(r);
        // Registering the transactional producer takes a round trip or two (and creates Kafka's
        // transaction log on a fresh cluster): done in the background while the consumers join.
        Thread warm = new Thread(r::warmUp, "crespr-" + handler.stage() + "-warm-up");
        warm.setDaemon(true);
        warm.start();
        return r;
    }

    @PreDestroy
    void close() {
        runners.forEach(StageRunner::close);
    }
}
