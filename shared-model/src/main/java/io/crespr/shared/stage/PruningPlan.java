package io.crespr.shared.stage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Schedule;
import io.crespr.shared.spi.Scorer;
import io.crespr.shared.spi.Trainer;
import java.util.List;
import java.util.Map;

/**
 * Everything a pruning job needs to know, fixed before it starts: the data, the architecture,
 * the seed, the target, the plugin of every stage with its options, and the training budget.
 * Build one with {@link Plans}; a plan is validated once, here, with messages that name the
 * field and the bad value.
 *
 * @param method               the preset the plugins came from ({@code gmp}, {@code random}, …)
 * @param dataset              dataset name
 * @param arch                 architecture spec
 * @param seed                 the job's seed; every random stream is derived from it
 * @param targetSparsity       share of prunable weights to remove, in [0, 1)
 * @param trainer              train plugin (dense training and masked fine-tuning)
 * @param clusterer            cluster plugin
 * @param scorer               score plugin
 * @param pruner               prune plugin
 * @param allocation           allocation plugin: kept weights per layer (used by layer-wise pruners)
 * @param schedule             schedule plugin
 * @param evaluators           evaluate plugins, all of which run
 * @param rounds               pruning rounds
 * @param denseEpochs          epochs of dense training
 * @param fineTuneEpochs       epochs of masked fine-tuning after every pruning round
 * @param batchSize            minibatch size
 * @param learningRate         dense learning rate
 * @param fineTuneLearningRate fine-tuning learning rate
 * @param reclusterEvery       build the modules again every N rounds (0: once, in round 1)
 * @param growModules          fix the module map after one dense epoch and grow it with an L1
 *                             penalty on inter-module weights for the rest of dense training
 * @param growL1               that penalty's λ
 * @param milestones           sparsities the schedule must hit exactly on its way (the bench records them)
 * @param options              plugin options by stage ({@code trainer}, {@code scorer}, …)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PruningPlan(String method, String dataset, String arch, long seed, double targetSparsity,
        String trainer, String clusterer, String scorer, String pruner, String allocation, String schedule,
        List<String> evaluators,
        int rounds, int denseEpochs, int fineTuneEpochs, int batchSize, double learningRate,
        double fineTuneLearningRate, int reclusterEvery, boolean growModules, double growL1, List<Double> milestones, Map<String, Map<String, String>> options) {

    public PruningPlan {
        evaluators = List.copyOf(evaluators);
        milestones = milestones == null ? List.of() : List.copyOf(milestones);
        options = options == null ? Map.of() : Map.copyOf(options);
        validate(dataset, arch, targetSparsity, rounds, denseEpochs, fineTuneEpochs, batchSize, learningRate,
                fineTuneLearningRate, milestones);
        if (reclusterEvery < 0) {
            throw new InvalidInputException("reclusterEvery must be >= 0, got " + reclusterEvery);
        }
        if (growModules && (denseEpochs < 2 || "none".equals(clusterer))) {
            throw new InvalidInputException("growModules needs denseEpochs >= 2 and a clusterer other than none, got "
                    + "denseEpochs=" + denseEpochs + ", clusterer=" + clusterer);
        }
        if (!(growL1 >= 0)) {
            throw new InvalidInputException("growL1 must be >= 0, got " + growL1);
        }
        if (evaluators.isEmpty()) {
            throw new InvalidInputException("evaluators must name at least one evaluate plugin; known: "
                    + String.join(", ", Plugins.names(Evaluator.class)));
        }
        for (String stage : options.keySet()) {
            if (!OPTION_STAGES.contains(stage)) {
                throw new InvalidInputException("options for unknown stage '" + stage + "'; known: "
                        + String.join(", ", OPTION_STAGES));
            }
        }
        // Every plugin exists and accepts its options before any work starts.
        check(Trainer.class, "trainer", trainer, options);
        check(Clusterer.class, "clusterer", clusterer, options);
        check(Scorer.class, "scorer", scorer, options);
        check(Pruner.class, "pruner", pruner, options);
        check(Allocator.class, "allocation", allocation, options);
        check(Schedule.class, "schedule", schedule, options);
        for (String e : evaluators) {
            check(Evaluator.class, "evaluator", e, options);
        }
    }

    /** The stage names plugin options are keyed by. */
    public static final List<String> OPTION_STAGES = List.of("trainer", "clusterer", "scorer", "pruner", "allocation",
            "schedule", "evaluator");

    private static void check(Class<? extends io.crespr.shared.spi.Plugin> spi, String stage, String name,
            Map<String, Map<String, String>> options) {
        Plugins.get(spi, name).checkOptions(new PluginOptions(name, options.getOrDefault(stage, Map.of())));
    }

    private static void validate(String dataset, String arch, double target, int rounds, int denseEpochs,
            int fineTuneEpochs, int batchSize, double lr, double ftLr, List<Double> milestones) {
        if (!Datasets.isKnown(dataset)) {
            throw new InvalidInputException("unknown dataset '" + dataset + "'; known: "
                    + String.join(", ", Datasets.names()) + " (NAME:N trains on N samples)");
        }
        Architecture.parse(arch);
        if (!(target >= 0 && target < 1)) {
            throw new InvalidInputException("targetSparsity must be in [0, 1), got " + target);
        }
        if (rounds < 1 || rounds > 1000) {
            throw new InvalidInputException("rounds must be in [1, 1000], got " + rounds);
        }
        if (denseEpochs < 0 || fineTuneEpochs < 0) {
            throw new InvalidInputException("epochs must be >= 0, got denseEpochs=" + denseEpochs
                    + ", fineTuneEpochs=" + fineTuneEpochs);
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(lr > 0 && Double.isFinite(lr)) || !(ftLr > 0 && Double.isFinite(ftLr))) {
            throw new InvalidInputException("learning rates must be positive, got learningRate=" + lr
                    + ", fineTuneLearningRate=" + ftLr);
        }
        double previous = 0;
        for (double m : milestones) {
            if (!(m > previous && m <= target)) {
                throw new InvalidInputException("milestones must increase within (0, targetSparsity=" + target
                        + "], got " + milestones);
            }
            previous = m;
        }
    }

    /** The options the plan gives one stage's plugin. */
    public PluginOptions optionsFor(String stage, String plugin) {
        return new PluginOptions(plugin, options.getOrDefault(stage, Map.of()));
    }
}
