package io.crespr.shared.streaming;

import io.crespr.shared.messages.BadEventException;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.spi.Saliency;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** pruning-service: the masks of the round's sparsity, on to {@code checkpoints.pruned}. */
public final class PruningHandler implements StageHandler {

    private final StageContext ctx;

    public PruningHandler(StageContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String stage() {
        return "pruning";
    }

    @Override
    public List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started) {
        CheckpointEvent e = EventCodec.decode(value, CheckpointEvent.class);
        if (e.saliency() == null) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "SaliencyScored of job " + e.jobId()
                    + " round " + e.round() + " carries no saliency");
        }
        StageContext.Job job = ctx.open(e);
        long t0 = System.nanoTime();
        Saliency saliency = ctx.transport().saliency(e.saliency());
        double codec = StageContext.seconds(t0);
        started.accept(job.status(JobState.PRUNING));
        StageContext.Timed<Checkpoint> pruned = StageContext.time(
                () -> job.steps().prune(job.checkpoint(), saliency, e.round()));
        // as PruningPipeline: the step's loss rise, predicted and measured, from the checkpoints before and after
        StageContext.Timed<Map<String, Object>> rise = StageContext.time(
                () -> job.steps().pruneStepRise(job.checkpoint(), pruned.value(), e.round()));
        StageContext.Sent sent = ctx.send(e.jobId(), pruned.value());
        CheckpointEvent out = e.toBuilder().event(CheckpointEvent.CHECKPOINT_PRUNED)
                .checkpoint(sent.ref(), pruned.value().provenance()).saliency(null)
                .seconds("prune", pruned.seconds(), true).seconds("loss-rise", rise.seconds(), true)
                .roundMetric("pruneStep", rise.value())
                .codecSeconds(job.codecSeconds() + codec + sent.seconds()).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_PRUNED, e.jobId(), out));
    }
}
