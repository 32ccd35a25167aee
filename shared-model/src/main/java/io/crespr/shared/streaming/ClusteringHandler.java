package io.crespr.shared.streaming;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.stage.StageSteps;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** clustering-service: a fresh module map for the round, on to {@code checkpoints.clustered}. */
public final class ClusteringHandler implements StageHandler {

    private final StageContext ctx;

    public ClusteringHandler(StageContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String stage() {
        return "clustering";
    }

    @Override
    public List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started) {
        CheckpointEvent e = EventCodec.decode(value, CheckpointEvent.class);
        StageContext.Job job = ctx.open(e);
        started.accept(job.status(JobState.CLUSTERING));
        CheckpointEvent.Builder b = e.toBuilder().event(CheckpointEvent.MODULES_ASSIGNED);
        StageSteps.KChoice choice = null;
        if (job.steps().choosesK()) {
            // as PruningPipeline: k chosen by validation first, recorded in the round's metrics
            StageContext.Timed<StageSteps.KChoice> chosen = StageContext.time(
                    () -> job.steps().chooseK(job.checkpoint(), e.round()));
            choice = chosen.value();
            b.seconds("choose-k", chosen.seconds(), true).roundMetric("kChoice",
                    Map.of("k", choice.k(), "validationAccuracy", choice.validationAccuracy()));
        }
        StageSteps.KChoice k = choice;
        StageContext.Timed<Checkpoint> clustered = StageContext.time(
                () -> job.steps().cluster(job.checkpoint(), e.round(), k));
        StageContext.Sent sent = ctx.send(e.jobId(), clustered.value());
        CheckpointEvent out = b.checkpoint(sent.ref(), clustered.value().provenance())
                .seconds("cluster", clustered.seconds(), true).codecSeconds(job.codecSeconds() + sent.seconds()).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_CLUSTERED, e.jobId(), out));
    }
}
