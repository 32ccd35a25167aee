package io.crespr.shared.streaming;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.stage.RoundResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * evaluation-service, the router: evaluates the round, then sends the checkpoint on to the next
 * round's first step — clustering when the round builds modules, else straight to scoring — or,
 * after the last round, publishes {@link JobCompleted} to {@code crespr.results.v1} and marks the
 * job COMPLETED, both in the same transaction as the consumed offset. After round 0 it keeps the
 * dense model in the checkpoint store, so the result can name it.
 */
public final class EvaluationHandler implements StageHandler {

    private final StageContext ctx;

    public EvaluationHandler(StageContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String stage() {
        return "evaluation";
    }

    @Override
    public List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started) {
        CheckpointEvent e = EventCodec.decode(value, CheckpointEvent.class);
        StageContext.Job job = ctx.open(e);
        started.accept(job.status(JobState.EVALUATING));
        Map<String, Double> roundSeconds = e.round() == 0 ? Map.of() : e.roundSeconds();
        StageContext.Timed<RoundResult> result = StageContext.time(
                () -> job.steps().evaluate(job.checkpoint(), e.round(), roundSeconds, e.roundMetrics()));
        CheckpointEvent.Builder b = e.toBuilder().seconds("evaluate", result.seconds(), false)
                .evaluated(result.value()).codecSeconds(job.codecSeconds());
        if (e.round() == 0) {
            long t0 = System.nanoTime();
            b.dense(e.checkpoint().inline()
                    ? ctx.transport().putInStore(e.jobId(), PayloadRef.CHECKPOINT, job.checkpointBytes())
                    : e.checkpoint());
            b.codecSeconds(StageContext.seconds(t0));
        }
        CheckpointEvent evaluated = b.build();
        if (e.round() < e.rounds()) {
            int next = e.round() + 1;
            boolean cluster = job.steps().clustersIn(next, job.checkpoint());
            CheckpointEvent out = evaluated.toBuilder().event(CheckpointEvent.EVALUATION_COMPLETED).round(next).build();
            return List.of(new Outgoing(cluster ? Topics.CHECKPOINTS_EVALUATED : Topics.CHECKPOINTS_CLUSTERED,
                    e.jobId(), out));
        }
        List<RoundResult> history = evaluated.history();
        RoundResult dense = history.get(0);
        List<RoundResult> rounds = new ArrayList<>(history.subList(1, history.size()));
        RoundResult last = rounds.get(rounds.size() - 1);
        long now = System.currentTimeMillis();
        JobCompleted done = new JobCompleted(JobCompleted.SCHEMA_VERSION, e.jobId(), e.plan(), e.model(),
                job.plan().targetSparsity(), last.sparsity(), dense.testAccuracy(), last.testAccuracy(), dense, rounds,
                evaluated.stageSeconds(), evaluated.codecSeconds(), (now - e.submittedAt()) / 1000.0, evaluated.dense(),
                e.checkpoint(), e.submittedAt(), now);
        JobStatus completed = JobStatus.of(e.jobId(), JobState.COMPLETED, e.round(), e.rounds(), e.model(),
                last.sparsity(), last.testAccuracy());
        return List.of(new Outgoing(Topics.RESULTS, e.jobId(), done),
                new Outgoing(Topics.JOB_STATUS, e.jobId(), completed));
    }
}
