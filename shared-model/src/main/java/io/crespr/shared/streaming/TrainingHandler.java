package io.crespr.shared.streaming;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.messages.BadEventException;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.ModelRetrained;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Dl4jModels;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.StageSteps;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * training-service: dense training of a submitted job, the dense model of a retrained version
 * (no training: the version is the dense model), and masked fine-tuning after each pruning round.
 * Everything it makes goes to {@code checkpoints.trained}.
 */
public final class TrainingHandler implements StageHandler {

    private final StageContext ctx;
    private final Map<String, Map<String, Object>> standingPlans;

    /**
     * @param standingPlans plan settings by model name, for versions arriving on
     *                      {@code crespr.models.retrained.v1}
     */
    public TrainingHandler(StageContext ctx, Map<String, Map<String, Object>> standingPlans) {
        this.ctx = ctx;
        this.standingPlans = new TreeMap<>(standingPlans);
    }

    @Override
    public String stage() {
        return "training";
    }

    @Override
    public List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started) {
        return switch (topic) {
            case Topics.JOBS_NAME -> submitted(EventCodec.decode(value, JobSubmitted.class), started);
            case Topics.MODELS_RETRAINED_NAME -> retrained(EventCodec.decode(value, ModelRetrained.class), started);
            case Topics.CHECKPOINTS_PRUNED_NAME -> fineTune(EventCodec.decode(value, CheckpointEvent.class), started);
            default -> throw new IllegalArgumentException("training does not read " + topic);
        };
    }

    private List<Outgoing> submitted(JobSubmitted job, Consumer<JobStatus> started) {
        PruningPlan plan = StageContext.plan(job.plan());
        DataSplit data = ctx.data(plan);
        StageSteps steps = new StageSteps(plan, data);
        started.accept(JobStatus.of(job.jobId(), JobState.TRAINING, 0, steps.rounds(), null, null, null));
        Checkpoint init = steps.initial();
        StageContext.Timed<Checkpoint> dense = StageContext.time(() -> steps.trainDense(init, null));
        StageContext.Sent sent = ctx.send(job.jobId(), dense.value());
        long submittedAt = job.submittedAt() != null ? job.submittedAt() : System.currentTimeMillis();
        CheckpointEvent out = CheckpointEvent.first(job.jobId(), steps.rounds(), Plans.toMap(plan), null, sent.ref(),
                dense.value().provenance(), submittedAt).toBuilder()
                .seconds("train", dense.seconds(), false).codecSeconds(sent.seconds()).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_TRAINED, job.jobId(), out));
    }

    private List<Outgoing> retrained(ModelRetrained version, Consumer<JobStatus> started) {
        Map<String, Object> settings = standingPlans.get(version.model());
        if (settings == null) {
            throw new InvalidInputException("no standing plan for model '" + version.model() + "'; configured: "
                    + (standingPlans.isEmpty() ? "none" : String.join(", ", standingPlans.keySet())));
        }
        String jobId = version.jobId();
        PruningPlan plan = StageContext.plan(settings);
        DataSplit data = ctx.data(plan);
        StageSteps steps = new StageSteps(plan, data);
        started.accept(JobStatus.of(jobId, JobState.SUBMITTED, 0, steps.rounds(), version.modelVersion(), null, null));
        long t0 = System.nanoTime();
        Checkpoint dense = version.checkpoint() != null
                ? ctx.transport().checkpoint(version.checkpoint())
                : Dl4jModels.importZip(ctx.transport().get(version.modelZip(), PayloadRef.DL4J_ZIP),
                        "version " + version.version() + " of " + version.model(), plan.dataset(),
                        ctx.transport().maxPayloadBytes());
        CheckpointFit.check(dense, plan.arch(), data);
        StageContext.Sent sent = ctx.send(jobId, dense);
        double codec = StageContext.seconds(t0);
        long at = version.publishedAt() != null ? version.publishedAt() : System.currentTimeMillis();
        CheckpointEvent out = CheckpointEvent.first(jobId, steps.rounds(), Plans.toMap(plan), version.modelVersion(),
                sent.ref(), dense.provenance(), at).toBuilder().codecSeconds(codec).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_TRAINED, jobId, out));
    }

    private List<Outgoing> fineTune(CheckpointEvent e, Consumer<JobStatus> started) {
        StageContext.Job job = ctx.open(e);
        if (e.round() < 1) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "a pruned checkpoint must be in round "
                    + ">= 1, got round " + e.round());
        }
        started.accept(job.status(JobState.TRAINING));
        StageContext.Timed<Checkpoint> tuned = StageContext.time(
                () -> job.steps().fineTune(job.checkpoint(), e.round(), null));
        StageContext.Sent sent = ctx.send(e.jobId(), tuned.value());
        CheckpointEvent out = e.toBuilder().event(CheckpointEvent.CHECKPOINT_TRAINED)
                .checkpoint(sent.ref(), tuned.value().provenance()).saliency(null)
                .seconds("fine-tune", tuned.seconds(), true).codecSeconds(job.codecSeconds() + sent.seconds()).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_TRAINED, e.jobId(), out));
    }
}
