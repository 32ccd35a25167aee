package io.crespr.shared.messages;

import io.crespr.shared.InvalidInputException;
import java.util.List;

/**
 * The one registry of the pipeline's topics. Nothing else spells a topic name: listeners use
 * the {@code *_NAME} constants (annotations need compile-time constants), everything else the
 * {@link TopicSpec}s.
 *
 * <pre>
 * crespr.jobs.v1 ─► training ─► checkpoints.trained ─► evaluation ─┬─► checkpoints.evaluated ─► clustering ─┐
 *                      ▲                                           ├─► (modules kept) ───────────────────────┤
 *                      │                                           └─► results.v1 (target reached)           ▼
 *                      └──────────── checkpoints.pruned ◄─ pruning ◄─ checkpoints.scored ◄─ hessian ◄─ checkpoints.clustered
 * </pre>
 */
public final class Topics {

    public static final String JOBS_NAME = "crespr.jobs.v1";
    public static final String MODELS_RETRAINED_NAME = "crespr.models.retrained.v1";
    public static final String CHECKPOINTS_TRAINED_NAME = "crespr.checkpoints.trained.v1";
    public static final String CHECKPOINTS_EVALUATED_NAME = "crespr.checkpoints.evaluated.v1";
    public static final String CHECKPOINTS_CLUSTERED_NAME = "crespr.checkpoints.clustered.v1";
    public static final String CHECKPOINTS_SCORED_NAME = "crespr.checkpoints.scored.v1";
    public static final String CHECKPOINTS_PRUNED_NAME = "crespr.checkpoints.pruned.v1";
    public static final String JOB_STATUS_NAME = "crespr.job-status.v1";
    public static final String RESULTS_NAME = "crespr.results.v1";

    public static final TopicSpec<JobSubmitted> JOBS = new TopicSpec<>(JOBS_NAME, "job id", JobSubmitted.class,
            TopicSpec.Kind.REQUESTS, "a pruning job: its id and plan (training-service starts it)");
    public static final TopicSpec<ModelRetrained> MODELS_RETRAINED = new TopicSpec<>(MODELS_RETRAINED_NAME,
            "model name", ModelRetrained.class, TopicSpec.Kind.REQUESTS,
            "a new version of a model, trained elsewhere; starts a job with that model's standing plan");
    public static final TopicSpec<CheckpointEvent> CHECKPOINTS_TRAINED = new TopicSpec<>(CHECKPOINTS_TRAINED_NAME,
            "job id", CheckpointEvent.class, TopicSpec.Kind.CHECKPOINTS,
            "CheckpointTrained: dense (round 0) or fine-tuned after a round's pruning; evaluation-service reads it");
    public static final TopicSpec<CheckpointEvent> CHECKPOINTS_EVALUATED = new TopicSpec<>(CHECKPOINTS_EVALUATED_NAME,
            "job id", CheckpointEvent.class, TopicSpec.Kind.CHECKPOINTS,
            "EvaluationCompleted, routed to clustering-service: the next round builds modules");
    public static final TopicSpec<CheckpointEvent> CHECKPOINTS_CLUSTERED = new TopicSpec<>(CHECKPOINTS_CLUSTERED_NAME,
            "job id", CheckpointEvent.class, TopicSpec.Kind.CHECKPOINTS,
            "ModulesAssigned (from clustering-service), or EvaluationCompleted when the round keeps its modules; "
                    + "hessian-service reads it");
    public static final TopicSpec<CheckpointEvent> CHECKPOINTS_SCORED = new TopicSpec<>(CHECKPOINTS_SCORED_NAME,
            "job id", CheckpointEvent.class, TopicSpec.Kind.CHECKPOINTS,
            "SaliencyScored: the checkpoint and its saliency (binary, same transport); pruning-service reads it");
    public static final TopicSpec<CheckpointEvent> CHECKPOINTS_PRUNED = new TopicSpec<>(CHECKPOINTS_PRUNED_NAME,
            "job id", CheckpointEvent.class, TopicSpec.Kind.CHECKPOINTS,
            "CheckpointPruned: masks of the round's sparsity applied; training-service fine-tunes it");
    public static final TopicSpec<JobStatus> JOB_STATUS = new TopicSpec<>(JOB_STATUS_NAME, "job id", JobStatus.class,
            TopicSpec.Kind.STATUS, "the latest state of every job (compacted)");
    public static final TopicSpec<JobCompleted> RESULTS = new TopicSpec<>(RESULTS_NAME, "job id", JobCompleted.class,
            TopicSpec.Kind.RESULTS, "JobCompleted: every round's metrics, the dense and the pruned checkpoint");

    /** Every topic, in pipeline order. */
    public static final List<TopicSpec<?>> ALL = List.of(JOBS, MODELS_RETRAINED, CHECKPOINTS_TRAINED,
            CHECKPOINTS_EVALUATED, CHECKPOINTS_CLUSTERED, CHECKPOINTS_SCORED, CHECKPOINTS_PRUNED, JOB_STATUS, RESULTS);

    /** Consumer group of each stage service. */
    public static final String TRAINING_GROUP = "crespr-training";
    public static final String CLUSTERING_GROUP = "crespr-clustering";
    public static final String HESSIAN_GROUP = "crespr-hessian";
    public static final String PRUNING_GROUP = "crespr-pruning";
    public static final String EVALUATION_GROUP = "crespr-evaluation";

    private Topics() {
    }

    /** The spec of a topic by name. */
    public static TopicSpec<?> byName(String name) {
        for (TopicSpec<?> t : ALL) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new InvalidInputException("unknown topic '" + name + "'; known: "
                + String.join(", ", ALL.stream().map(TopicSpec::name).toList()));
    }
}
