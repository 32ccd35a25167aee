package io.crespr.training;

import io.crespr.runtime.StageListeners;
import io.crespr.runtime.StageRunner;
import io.crespr.runtime.StageRunners;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.streaming.TrainingHandler;
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

/** Receives jobs, retrained model versions and pruned checkpoints; the handler trains; the runner sends. */
@KafkaListener(groupId = Topics.TRAINING_GROUP, offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.DISABLED, isolation = IsolationLevel.READ_COMMITTED,
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_ON_ERROR, retryCount = StageListeners.RETRIES,
                retryDelay = StageListeners.RETRY_DELAY))
@Requires(property = "crespr.stages.training.enabled", notEquals = "false")
public class TrainingListener implements KafkaListenerExceptionHandler {

    private final StageRunner runner;

    public TrainingListener(StageRunners runners, TrainingHandler handler) {
        this.runner = runners.create(handler, Topics.JOBS_NAME, Topics.MODELS_RETRAINED_NAME, Topics.CHECKPOINTS_PRUNED_NAME);
    }

    /** One consumer for the three topics: one group member, so one rebalance when the service starts. */
    @Topic({Topics.JOBS_NAME, Topics.MODELS_RETRAINED_NAME, Topics.CHECKPOINTS_PRUNED_NAME})
    void receive(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
        runner.process(record, consumer);
    }

    @Override
    public void handle(KafkaListenerException exception) {
        StageListeners.deadLetter(exception, Map.of(Topics.JOBS_NAME, runner, Topics.MODELS_RETRAINED_NAME, runner,
                Topics.CHECKPOINTS_PRUNED_NAME, runner));
    }
}
