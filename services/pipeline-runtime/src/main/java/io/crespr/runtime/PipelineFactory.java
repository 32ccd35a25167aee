package io.crespr.runtime;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.FileCheckpointStore;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.streaming.ClusteringHandler;
import io.crespr.shared.streaming.DataCache;
import io.crespr.shared.streaming.EvaluationHandler;
import io.crespr.shared.streaming.PruningHandler;
import io.crespr.shared.streaming.ScoringHandler;
import io.crespr.shared.streaming.StageContext;
import io.crespr.shared.streaming.TrainingHandler;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The stage handlers and what they share, built from {@link PipelineSettings}. */
@Factory
public class PipelineFactory {

    @Singleton
    CheckpointTransport transport(PipelineSettings s) {
        return new CheckpointTransport(new FileCheckpointStore(s.getCheckpointStore()), s.getInlineLimit(), s.limits(),
                s.getMaxPayloadBytes());
    }

    @Singleton
    DataCache dataCache(PipelineSettings s) {
        return new DataCache(s.getDataDir());
    }

    @Singleton
    StageContext stageContext(CheckpointTransport transport, DataCache data) {
        return new StageContext(transport, data);
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatusPublisher statusPublisher(KafkaClientProperties kafka) {
        return new StatusPublisher(kafka.producer());
    }

    @Singleton
    TrainingHandler training(StageContext ctx, PipelineSettings s) {
        Map<String, Map<String, Object>> plans = new LinkedHashMap<>();
        s.getStandingPlans().forEach((model, file) -> {
            Map<String, Object> settings = Plans.readFile(Path.of(file));
            // Checked now: a standing plan that cannot run fails the service at start-up, not a job later.
            StageContext.plan(settings);
            plans.put(model, settings);
        });
        if (plans.containsKey("")) {
            throw new InvalidInputException("crespr.standing-plans needs model names as keys");
        }
        return new TrainingHandler(ctx, plans);
    }

    @Singleton
    ClusteringHandler clustering(StageContext ctx) {
        return new ClusteringHandler(ctx);
    }

    @Singleton
    ScoringHandler scoring(StageContext ctx) {
        return new ScoringHandler(ctx);
    }

    @Singleton
    PruningHandler pruning(StageContext ctx) {
        return new PruningHandler(ctx);
    }

    @Singleton
    EvaluationHandler evaluation(StageContext ctx) {
        return new EvaluationHandler(ctx);
    }
}
