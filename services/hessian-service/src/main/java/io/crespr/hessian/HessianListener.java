package io.crespr.hessian;

import io.crespr.runtime.StageListeners;
import io.crespr.runtime.StageRunner;
import io.crespr.runtime.StageRunners;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.streaming.ScoringHandler;
import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.configuration.kafka.exceptions.KafkaListenerException;
import io.micronaut.configuration.kafka.exceptions.KafkaListenerExceptionHandler;
import io.micronaut.context.annotation.Requires;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;

/** Receives checkpoints with the round's module map; the handler scores every weight; the runner sends. */
@KafkaListener(groupId = Topics.HESSIAN_GROUP, offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.DISABLED, isolation = IsolationLevel.READ_COMMITTED,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_ON_ERROR, retryCount = StageListeners.RETRIES,
                retryDelay = StageListeners.RETRY_DELAY))
@Requires(property = "crespr.stages.hessian.enabled", notEquals = "false")
public class HessianListener implements KafkaListenerExceptionHandler {

    private final StageRunner runner;

    public HessianListener(StageRunners runners, ScoringHandler handler) {
        this.runner = runners.create(handler, Topics.CHECKPOINTS_CLUSTERED_NAME);
    }

    @Topic(Topics.CHECKPOINTS_CLUSTERED_NAME)
    void modulesSettled(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
        runner.process(record, consumer);
    }

    @Override
    public void handle(KafkaListenerException exception) {
        StageListeners.deadLetter(exception, Map.of(Topics.CHECKPOINTS_CLUSTERED_NAME, runner));
    }
}
