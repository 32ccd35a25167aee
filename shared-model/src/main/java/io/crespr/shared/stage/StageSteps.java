package io.crespr.shared.stage;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.hessian.PruneStepRise;
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
import io.crespr.shared.model.Predictions;
import io.crespr.shared.modules.ClustererOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The five stages of one pruning job as separate, stateless steps: each takes a checkpoint
 * (and the plan and data it was built with) and returns the next. {@link PruningPipeline}
 * calls them in order in one process; the streaming services call the same steps one per
 * service, so the transport cannot change the numbers. Every random choice is seeded from
 * the plan's seed, the stage and the round.
 */
public final class StageSteps {

    private final PruningPlan plan;
    private final DataSplit data;
    private final double[] sparsities;

    public StageSteps(PruningPlan plan, DataSplit data) {
        this.plan = plan;
        this.data = data;
        Schedule schedule = Plugins.get(Schedule.class, plan.schedule());
        this.sparsities = ScheduleMilestones.apply(
                schedule.sparsities(plan.targetSparsity(), plan.rounds(), plan.optionsFor("schedule", plan.schedule())),
                plan.milestones());
    }

    public PruningPlan plan() {
        return plan;
    }

    public DataSplit data() {
        return data;
    }

    /** Pruning rounds the job runs (the schedule plus any milestones). */
    public int rounds() {
        return sparsities.length;
    }

    /** The sparsity round {@code round} (1-based) prunes to. */
    public double targetOf(int round) {
        if (round < 1 || round > sparsities.length) {
            throw new IllegalArgumentException("round " + round + " is outside 1.." + sparsities.length);
        }
        return sparsities[round - 1];
    }

    /** Training iterations of the whole job, dense training included when {@code withDense}. */
    public long totalIterations(boolean withDense) {
        long perEpoch = (data.train().size() + plan.batchSize() - 1) / plan.batchSize();
        return perEpoch * ((withDense ? (long) plan.denseEpochs() : 0L) + (long) rounds() * plan.fineTuneEpochs());
    }

    /** A fresh, untrained network; depends only on dataset, architecture and seed. */
    public Checkpoint initial() {
        Architecture arch = Architecture.parse(plan.arch());
        return Checkpoints.init(arch, new Networks.Io(data.inputShape(), data.numClasses()),
                plan.dataset(), Seeds.derive(plan.seed(), "init", 0), plan.seed());
    }

    /**
     * Dense training. With grown modules: one warm-up epoch, fix the module map, then the rest of
     * the dense budget with an L1 penalty on inter-module weights only, so the blocks pruning
     * will look for are really there.
     */
    public Checkpoint trainDense(Checkpoint init, LongConsumer onIteration) {
        if (!plan.growModules()) {
            return train(init, plan.denseEpochs(), plan.learningRate(), 0, "train", onIteration);
        }
        Checkpoint warm = train(init, 1, plan.learningRate(), 0, "train", onIteration);
        Checkpoint clustered = cluster(warm, 0);
        Map<String, String> growth = new LinkedHashMap<>(plan.optionsFor("trainer", plan.trainer()).values());
        growth.put("l1", String.valueOf(plan.growL1()));
        growth.put("l1Scope", "inter");
        growth.put("l1Growth", "constant");
        return train(clustered, plan.denseEpochs() - 1, plan.learningRate(), 0, "grow",
                new PluginOptions(plan.trainer(), growth), onIteration);
    }

    /**
     * Whether round {@code round} builds modules: round 1 does (unless they were grown during
     * dense training), and every {@code reclusterEvery} rounds after it when that is set.
     */
    public boolean clustersIn(int round, Checkpoint in) {
        if (round == 1) {
            return in.modules().isEmpty() || !plan.growModules();
        }
        return plan.reclusterEvery() > 0 && (round - 1) % plan.reclusterEvery() == 0;
    }

    /** The checkpoint with a fresh module map from the plan's clusterer (k chosen first when {@code kChoices} is set). */
    public Checkpoint cluster(Checkpoint in, int round) {
        return cluster(in, round, chooseK(in, round));
    }

    /** The checkpoint with a fresh module map of {@code choice.k()} modules (the plan's k when null). */
    public Checkpoint cluster(Checkpoint in, int round, KChoice choice) {
        return withModules(in, round, choice == null ? null : choice.k());
    }

    /**
     * k chosen by validation, for a clusterer with the option {@code kChoices}: for every
     * candidate the modules are built, the checkpoint is pruned in one shot to the plan's final
     * target with the plan's scorer, pruner and allocation, and scored on the validation split
     * without fine-tuning; the best wins (ties: the smaller k). {@code null} without the option.
     */
    public KChoice chooseK(Checkpoint in, int round) {
        List<Integer> choices = ClustererOptions.kChoices(plan.optionsFor("clusterer", plan.clusterer()));
        if (choices.isEmpty()) {
            return null;
        }
        if (data.validation().size() == 0) {
            throw new io.crespr.shared.InvalidInputException("clusterer option kChoices chooses k on the validation "
                    + "split, but dataset " + plan.dataset() + " has none");
        }
        Map<Integer, Double> scores = new LinkedHashMap<>();
        int best = choices.get(0);
        for (int k : choices) {
            Checkpoint clustered = withModules(in, round, k);
            Checkpoint pruned = prune(clustered, score(clustered, round), rounds());
            double acc = Predictions.accuracy(Predictions.predict(Networks.fromCheckpoint(pruned, null, 0),
                    data.validation()), data.validation().labels());
            scores.put(k, acc);
            if (acc > scores.get(best)) {
                best = k;
            }
        }
        return new KChoice(best, scores);
    }

    /** Whether the plan chooses k by validation (its clusterer has {@code kChoices}). */
    public boolean choosesK() {
        return !ClustererOptions.kChoices(plan.optionsFor("clusterer", plan.clusterer())).isEmpty();
    }

    /** The module count chosen by validation, and every candidate's validation accuracy. */
    public record KChoice(int k, Map<Integer, Double> validationAccuracy) {
    }

    private Checkpoint withModules(Checkpoint in, int round, Integer k) {
        Clusterer clusterer = Plugins.get(Clusterer.class, plan.clusterer());
        Map<String, String> options = new LinkedHashMap<>(plan.optionsFor("clusterer", plan.clusterer()).values());
        if (k != null) {
            options.put("k", String.valueOf(k));
        }
        ModuleMap modules = clusterer.cluster(in, data, new PluginOptions(plan.clusterer(), options),
                Seeds.derive(plan.seed(), "cluster", round));
        return in.derive(in.id(), in.params(), in.masks(), modules, in.provenance());
    }

    public Saliency score(Checkpoint in, int round) {
        Scorer scorer = Plugins.get(Scorer.class, plan.scorer());
        return scorer.score(in, data, plan.optionsFor("scorer", plan.scorer()), Seeds.derive(plan.seed(), "score", round));
    }

    /** Masks for round {@code round}'s sparsity, applied to the weights. */
    public Checkpoint prune(Checkpoint in, Saliency saliency, int round) {
        double target = targetOf(round);
        Pruner pruner = Plugins.get(Pruner.class, plan.pruner());
        PluginOptions po = plan.optionsFor("pruner", plan.pruner());
        PruneRequest request = new PruneRequest(target, po, Plugins.get(Allocator.class, plan.allocation()),
                plan.optionsFor("allocation", plan.allocation()), round);
        Map<String, Mask> masks = pruner.prune(in, saliency, request);
        Map<String, String> opts = new LinkedHashMap<>(po.values());
        opts.put("sparsity", String.valueOf(target));
        opts.put("scorer", plan.scorer());
        opts.put("clusterer", plan.clusterer());
        opts.put("allocation", plan.allocation());
        Checkpoint pruned = Checkpoints.applyMasks(in, masks,
                Checkpoints.next(in, "prune", new PluginRef("prune", pruner.name(), opts), round));
        // The scorer's own update of the survivors (OBS re-fits each row), on the samples it scored.
        return Plugins.get(Scorer.class, plan.scorer()).update(in, pruned, data, plan.optionsFor("scorer", plan.scorer()),
                Seeds.derive(plan.seed(), "score", round));
    }

    /** Masked, sparsity-promoting fine-tuning after round {@code round}'s pruning. */
    public Checkpoint fineTune(Checkpoint pruned, int round, LongConsumer onIteration) {
        return train(pruned, plan.fineTuneEpochs(), plan.fineTuneLearningRate(), round, "fine-tune", onIteration);
    }

    /**
     * The pruning step's cost, predicted by the layer Hessians and measured on validation data
     * ({@link PruneStepRise}); recorded in the round's metrics as {@code pruneStep}.
     */
    public Map<String, Object> pruneStepRise(Checkpoint before, Checkpoint after, int round) {
        return PruneStepRise.measure(before, after, data, PruneStepRise.DEFAULT_SAMPLES,
                Seeds.derive(plan.seed(), "rise", round));
    }

    /**
     * Every evaluator of the plan on {@code c}; round 0 is the dense model. The last round also
     * times the pruned model's compiled inference against DL4J's dense forward pass
     * ({@link InferenceTiming}, metrics key {@code inference}): once per job, not per round.
     */
    public RoundResult evaluate(Checkpoint c, int round, Map<String, Double> seconds) {
        return evaluate(c, round, seconds, Map.of());
    }

    /** As {@link #evaluate(Checkpoint, int, Map)}, with figures measured earlier in the round ({@code pruneStep}). */
    public RoundResult evaluate(Checkpoint c, int round, Map<String, Double> seconds, Map<String, Object> earlier) {
        Map<String, Object> m = new LinkedHashMap<>(earlier);
        for (String name : plan.evaluators()) {
            m.putAll(Plugins.get(Evaluator.class, name).evaluate(c, data, plan.optionsFor("evaluator", name)));
        }
        if (round > 0 && round == rounds()) {
            m.put(InferenceTiming.KEY, InferenceTiming.measure(c, data.test()));
        }
        double scheduled = round == 0 ? 0 : targetOf(round);
        return new RoundResult(round, scheduled, number(m, "sparsity", c.sparsity()),
                number(m, "testAccuracy", Double.NaN), number(m, "validationAccuracy", Double.NaN),
                m, new LinkedHashMap<>(seconds));
    }

    /** Dense training never carries the fine-tuning penalty, so every method shares one dense model. */
    private Checkpoint train(Checkpoint start, int epochs, double lr, int round, String stage, LongConsumer onIteration) {
        Map<String, String> opts = new LinkedHashMap<>(plan.optionsFor("trainer", plan.trainer()).values());
        if (round == 0) {
            opts.keySet().removeIf(k -> k.startsWith("l1"));
        }
        return train(start, epochs, lr, round, stage, new PluginOptions(plan.trainer(), opts), onIteration);
    }

    private Checkpoint train(Checkpoint start, int epochs, double lr, int round, String stage, PluginOptions options,
            LongConsumer onIteration) {
        Trainer trainer = Plugins.get(Trainer.class, plan.trainer());
        LongConsumer each = onIteration == null ? i -> { } : onIteration;
        TrainRequest req = new TrainRequest(epochs, plan.batchSize(), lr, Seeds.derive(plan.seed(), stage, round),
                round, rounds(), stage, options, each::accept);
        return trainer.train(start, data, req);
    }

    private static double number(Map<String, Object> m, String key, double fallback) {
        return m.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }
}
