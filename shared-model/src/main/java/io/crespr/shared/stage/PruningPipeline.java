package io.crespr.shared.stage;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.spi.Saliency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The five stages run in one process, in the order of the streaming pipeline: dense training,
 * then per round cluster → score → prune → masked fine-tune → evaluate. Every stage is a
 * function from checkpoint to checkpoint (or to side data), picked by name from the plan.
 */
public final class PruningPipeline {

    private final StageSteps steps;
    private final PipelineListener listener;
    private final Timings timings = new Timings();
    private long iterations;
    private long totalIterations;

    public PruningPipeline(PruningPlan plan, DataSplit data, PipelineListener listener) {
        this.steps = new StageSteps(plan, data);
        this.listener = listener == null ? PipelineListener.NONE : listener;
        this.totalIterations = steps.totalIterations(true);
    }

    /** Dense training, then pruning. */
    public PruningResult run() {
        long t0 = System.nanoTime();
        Checkpoint dense = trainDense();
        return prune(dense, t0);
    }

    /** A fresh network trained densely; depends only on dataset, architecture, seed and the dense budget. */
    public Checkpoint trainDense() {
        Checkpoint init = steps.initial();
        listener.stageStarted("train", 0, steps.rounds());
        return timings.time("train", () -> steps.trainDense(init, this::iteration));
    }

    /** Pruning rounds from a trained dense checkpoint (the bench shares one dense model across methods). */
    public PruningResult pruneFrom(Checkpoint dense) {
        totalIterations = steps.totalIterations(false);
        return prune(dense, System.nanoTime());
    }

    private PruningResult prune(Checkpoint dense, long t0) {
        int rounds = steps.rounds();
        RoundResult denseRound = evaluate(dense, 0, Map.of(), Map.of());
        List<RoundResult> results = new ArrayList<>();
        Checkpoint current = dense;
        for (int r = 1; r <= rounds; r++) {
            final int round = r;
            Timings roundTime = new Timings();
            Checkpoint in = current;
            Checkpoint clustered = in;
            Map<String, Object> earlier = new LinkedHashMap<>();
            if (steps.clustersIn(r, in)) {
                listener.stageStarted("cluster", r, rounds);
                StageSteps.KChoice choice = steps.choosesK()
                        ? timed(roundTime, "choose-k", () -> steps.chooseK(in, round)) : null;
                if (choice != null) {
                    earlier.put("kChoice", Map.of("k", choice.k(), "validationAccuracy", choice.validationAccuracy()));
                }
                clustered = timed(roundTime, "cluster", () -> steps.cluster(in, round, choice));
            }
            final Checkpoint withModules = clustered;
            listener.stageStarted("score", r, rounds);
            Saliency saliency = timed(roundTime, "score", () -> steps.score(withModules, round));
            listener.stageStarted("prune", r, rounds);
            Checkpoint pruned = timed(roundTime, "prune", () -> steps.prune(withModules, saliency, round));
            Map<String, Object> rise = timed(roundTime, "loss-rise",
                    () -> steps.pruneStepRise(withModules, pruned, round));
            listener.stageStarted("fine-tune", r, rounds);
            current = timed(roundTime, "fine-tune", () -> steps.fineTune(pruned, round, this::iteration));
            earlier.put("pruneStep", rise);
            RoundResult result = evaluate(current, r, roundTime.ordered(), earlier);
            results.add(result);
            listener.roundDone(result);
        }
        return new PruningResult(steps.plan(), dense, denseRound, current, results, timings.ordered(),
                (System.nanoTime() - t0) / 1e9);
    }

    private void iteration(long ignored) {
        listener.iterationDone(++iterations, totalIterations);
    }

    private <T> T timed(Timings round, String stage, java.util.function.Supplier<T> work) {
        return timings.time(stage, () -> round.time(stage, work));
    }

    private RoundResult evaluate(Checkpoint c, int round, Map<String, Double> seconds, Map<String, Object> earlier) {
        listener.stageStarted("evaluate", round, steps.rounds());
        return timings.time("evaluate", () -> steps.evaluate(c, round, seconds, earlier));
    }

    public Timings timings() {
        return timings;
    }
}
