package io.crespr.shared.stage;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.PluginRef;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.PruneRequest;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Schedule;
import io.crespr.shared.spi.Scorer;
import io.crespr.shared.spi.TrainRequest;
import io.crespr.shared.spi.Trainer;
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

    private final PruningPlan plan;
    private final DataSplit data;
    private final PipelineListener listener;
    private final Timings timings = new Timings();
    private long iterations;
    private long totalIterations;
    private int scheduledRounds;

    public PruningPipeline(PruningPlan plan, DataSplit data, PipelineListener listener) {
        this.plan = plan;
        this.data = data;
        this.listener = listener == null ? PipelineListener.NONE : listener;
        long perEpoch = (data.train().size() + plan.batchSize() - 1) / plan.batchSize();
        this.totalIterations = perEpoch * ((long) plan.denseEpochs() + (long) plan.rounds() * plan.fineTuneEpochs());
    }

    /** Dense training, then pruning. */
    public PruningResult run() {
        long t0 = System.nanoTime();
        Checkpoint dense = trainDense();
        return prune(dense, t0);
    }

    /** A fresh network trained densely; depends only on dataset, architecture, seed and the dense budget. */
    public Checkpoint trainDense() {
        Architecture arch = Architecture.parse(plan.arch());
        Checkpoint init = Checkpoints.init(arch, new Networks.Io(data.inputShape(), data.numClasses()),
                plan.dataset(), Seeds.derive(plan.seed(), "init", 0), plan.seed());
        listener.stageStarted("train", 0, plan.rounds());
        if (!plan.growModules()) {
            return timings.time("train", () -> train(init, plan.denseEpochs(), plan.learningRate(), 0, "train"));
        }
        // Grown modules: one warm-up epoch, fix the module map, then train the rest of the dense
        // budget with an L1 penalty on inter-module weights only, so the blocks pruning will
        // look for are really there.
        Checkpoint warm = timings.time("train", () -> train(init, 1, plan.learningRate(), 0, "train"));
        listener.stageStarted("cluster", 0, plan.rounds());
        Clusterer clusterer = Plugins.get(Clusterer.class, plan.clusterer());
        ModuleMap modules = timings.time("cluster", () -> clusterer.cluster(warm, data,
                plan.optionsFor("clusterer", plan.clusterer()), Seeds.derive(plan.seed(), "cluster", 0)));
        Checkpoint clustered = warm.derive(warm.id(), warm.params(), warm.masks(), modules, warm.provenance());
        Map<String, String> growth = new LinkedHashMap<>(plan.optionsFor("trainer", plan.trainer()).values());
        growth.put("l1", String.valueOf(plan.growL1()));
        growth.put("l1Scope", "inter");
        growth.put("l1Growth", "constant");
        listener.stageStarted("train", 0, plan.rounds());
        return timings.time("train", () -> train(clustered, plan.denseEpochs() - 1, plan.learningRate(), 0, "grow",
                new PluginOptions(plan.trainer(), growth)));
    }

    /** Pruning rounds from a trained dense checkpoint (the bench shares one dense model across methods). */
    public PruningResult pruneFrom(Checkpoint dense) {
        totalIterations -= ((data.train().size() + plan.batchSize() - 1) / plan.batchSize()) * (long) plan.denseEpochs();
        return prune(dense, System.nanoTime());
    }

    private PruningResult prune(Checkpoint dense, long t0) {
        RoundResult denseRound = evaluate(dense, 0, 0, Map.of());
        Schedule schedule = Plugins.get(Schedule.class, plan.schedule());
        double[] sparsities = ScheduleMilestones.apply(
                schedule.sparsities(plan.targetSparsity(), plan.rounds(), plan.optionsFor("schedule", plan.schedule())),
                plan.milestones());
        scheduledRounds = sparsities.length;
        Clusterer clusterer = Plugins.get(Clusterer.class, plan.clusterer());
        Scorer scorer = Plugins.get(Scorer.class, plan.scorer());
        Pruner pruner = Plugins.get(Pruner.class, plan.pruner());
        List<RoundResult> rounds = new ArrayList<>();
        Checkpoint current = dense;
        for (int r = 1; r <= sparsities.length; r++) {
            final int round = r;
            Timings roundTime = new Timings();
            Checkpoint in = current;
            Checkpoint clustered = in;
            if (clusterThisRound(r, in)) {
                listener.stageStarted("cluster", r, sparsities.length);
                ModuleMap modules = timed(roundTime, "cluster", () -> clusterer.cluster(in, data,
                        plan.optionsFor("clusterer", plan.clusterer()), Seeds.derive(plan.seed(), "cluster", round)));
                clustered = in.derive(in.id(), in.params(), in.masks(), modules, in.provenance());
            }
            final Checkpoint withModules = clustered;
            listener.stageStarted("score", r, sparsities.length);
            Saliency saliency = timed(roundTime, "score", () -> scorer.score(withModules, data,
                    plan.optionsFor("scorer", plan.scorer()), Seeds.derive(plan.seed(), "score", round)));
            listener.stageStarted("prune", r, sparsities.length);
            double target = sparsities[r - 1];
            Checkpoint pruned = timed(roundTime, "prune", () -> {
                PluginOptions po = plan.optionsFor("pruner", plan.pruner());
                PruneRequest request = new PruneRequest(target, po, Plugins.get(Allocator.class, plan.allocation()),
                        plan.optionsFor("allocation", plan.allocation()), round);
                Map<String, Mask> masks = pruner.prune(withModules, saliency, request);
                Map<String, String> opts = new LinkedHashMap<>(po.values());
                opts.put("sparsity", String.valueOf(target));
                opts.put("scorer", scorer.name());
                opts.put("clusterer", clusterer.name());
                opts.put("allocation", plan.allocation());
                return Checkpoints.applyMasks(withModules, masks,
                        Checkpoints.next(withModules, "prune", new PluginRef("prune", pruner.name(), opts), round));
            });
            listener.stageStarted("fine-tune", r, sparsities.length);
            current = timed(roundTime, "fine-tune",
                    () -> train(pruned, plan.fineTuneEpochs(), plan.fineTuneLearningRate(), round, "fine-tune"));
            RoundResult result = evaluate(current, r, target, roundTime.ordered());
            rounds.add(result);
            listener.roundDone(result);
        }
        return new PruningResult(plan, dense, denseRound, current, rounds, timings.ordered(),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Modules are built in round 1 (unless they were grown during dense training) and again every
     * {@code reclusterEvery} rounds when that is set.
     */
    private boolean clusterThisRound(int round, Checkpoint in) {
        if (round == 1) {
            return in.modules().isEmpty() || !plan.growModules();
        }
        return plan.reclusterEvery() > 0 && (round - 1) % plan.reclusterEvery() == 0;
    }

    private <T> T timed(Timings round, String stage, java.util.function.Supplier<T> work) {
        return timings.time(stage, () -> round.time(stage, work));
    }

    /** Dense training never carries the fine-tuning penalty, so every method shares one dense model. */
    private Checkpoint train(Checkpoint start, int epochs, double lr, int round, String stage) {
        Map<String, String> opts = new LinkedHashMap<>(plan.optionsFor("trainer", plan.trainer()).values());
        if (round == 0) {
            opts.keySet().removeIf(k -> k.startsWith("l1"));
        }
        return train(start, epochs, lr, round, stage, new PluginOptions(plan.trainer(), opts));
    }

    private Checkpoint train(Checkpoint start, int epochs, double lr, int round, String stage, PluginOptions options) {
        Trainer trainer = Plugins.get(Trainer.class, plan.trainer());
        TrainRequest req = new TrainRequest(epochs, plan.batchSize(), lr, Seeds.derive(plan.seed(), stage, round),
                round, scheduledRounds, stage, options,
                i -> listener.iterationDone(++iterations, totalIterations));
        return trainer.train(start, data, req);
    }

    private RoundResult evaluate(Checkpoint c, int round, double scheduled, Map<String, Double> seconds) {
        listener.stageStarted("evaluate", round, plan.rounds());
        Map<String, Object> metrics = timings.time("evaluate", () -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String name : plan.evaluators()) {
                m.putAll(Plugins.get(Evaluator.class, name).evaluate(c, data, plan.optionsFor("evaluator", name)));
            }
            return m;
        });
        Map<String, Double> s = new LinkedHashMap<>(seconds);
        return new RoundResult(round, scheduled, number(metrics, "sparsity", c.sparsity()),
                number(metrics, "testAccuracy", Double.NaN), number(metrics, "validationAccuracy", Double.NaN),
                metrics, s);
    }

    private static double number(Map<String, Object> m, String key, double fallback) {
        return m.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    public Timings timings() {
        return timings;
    }
}
