package io.crespr.shared.streaming;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.RoundResult;
import io.crespr.shared.stage.StageSteps;
import java.util.Map;
import java.util.function.Supplier;

/** What every handler needs: the checkpoint transport and the datasets. */
public final class StageContext {

    private final CheckpointTransport transport;
    private final DataCache data;

    public StageContext(CheckpointTransport transport, DataCache data) {
        this.transport = transport;
        this.data = data;
    }

    public CheckpointTransport transport() {
        return transport;
    }

    /** The plan of an event, validated: an unknown plugin or a bad setting is bad input. */
    public static PruningPlan plan(Map<String, Object> settings) {
        return Plans.build(settings, null);
    }

    public DataSplit data(PruningPlan plan) {
        return data.get(plan.dataset(), plan.seed());
    }

    /** A decoded checkpoint event with everything a stage needs to work on it. */
    public record Job(CheckpointEvent event, PruningPlan plan, DataSplit data, StageSteps steps, Checkpoint checkpoint,
            byte[] checkpointBytes, double codecSeconds) {

        /** The status a stage reports when it starts on this job. */
        public JobStatus status(JobState state) {
            RoundResult last = event.lastEvaluated();
            return JobStatus.of(event.jobId(), state, event.round(), event.rounds(), event.model(),
                    last == null ? null : last.sparsity(), last == null ? null : last.testAccuracy());
        }
    }

    /** Decodes the plan, loads the data and the checkpoint, and checks that the checkpoint fits the plan. */
    public Job open(CheckpointEvent e) {
        PruningPlan plan = plan(e.plan());
        DataSplit split = data(plan);
        StageSteps steps = new StageSteps(plan, split);
        long t0 = System.nanoTime();
        byte[] bytes = transport.get(e.checkpoint(), PayloadRef.CHECKPOINT);
        Checkpoint c = transport.decodeCheckpoint(bytes);
        double codec = seconds(t0);
        CheckpointFit.check(c, plan.arch(), split);
        return new Job(e, plan, split, steps, c, bytes, codec);
    }

    /** A checkpoint sent on, and the time it took to encode and ship. */
    public record Sent(PayloadRef ref, double seconds) {
    }

    public Sent send(String jobId, Checkpoint c) {
        long t0 = System.nanoTime();
        PayloadRef ref = transport.putCheckpoint(jobId, c);
        return new Sent(ref, seconds(t0));
    }

    /** Runs {@code work}, returning its value and wall time. */
    public static <T> Timed<T> time(Supplier<T> work) {
        long t0 = System.nanoTime();
        T v = work.get();
        return new Timed<>(v, seconds(t0));
    }

    public record Timed<T>(T value, double seconds) {
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
