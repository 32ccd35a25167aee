package io.crespr.shared.streaming;

import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.stage.PruningResult;

/** A job's result from the results topic as the {@link PruningResult} the result files are written from. */
public final class JobResults {

    private JobResults() {
    }

    public static PruningResult toPruningResult(JobCompleted done, CheckpointTransport transport) {
        Checkpoint dense = transport.checkpoint(done.dense());
        Checkpoint pruned = transport.checkpoint(done.pruned());
        return new PruningResult(StageContext.plan(done.plan()), dense, done.denseRound(), pruned, done.rounds(),
                done.stageSeconds(), done.totalSeconds());
    }
}
