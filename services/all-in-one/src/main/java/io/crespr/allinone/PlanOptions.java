package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The plan flags shared by {@code prune} and {@code bench}; a flag overrides the plan file and the preset. */
final class PlanOptions {

    @Option(names = "--plan", description = "plan file (YAML or JSON); flags override it")
    Path planFile;

    @Option(names = "--dataset", description = "mnist-mini (bundled, default), mnist, fashion-mnist, synthetic; NAME:N trains on N samples of the training split")
    String dataset;

    @Option(names = "--arch", description = "lenet-300-100 (default), lenet-5, mlp:W1,W2,…")
    String arch;

    @Option(names = "--data-dir", description = "where fetch-data put the datasets (default: $CRESPR_DATA_DIR or ~/.crespr/data)")
    Path dataDir;

    @Option(names = "--trainer", description = "train plugin (adam, sgd)")
    String trainer;

    @Option(names = "--clusterer", description = "cluster plugin (none, class-anchored, spectral)")
    String clusterer;

    @Option(names = "--scorer", description = "score plugin (magnitude, random, obd, obs)")
    String scorer;

    @Option(names = "--pruner", description = "prune plugin (global, layerwise, cluster-restricted)")
    String pruner;

    @Option(names = "--allocation", description = "allocation plugin for layer-wise pruners (uniform, erk, lamp, global, sensitivity, fixed)")
    String allocation;

    @Option(names = "--schedule", description = "schedule plugin (cubic, geometric, one-shot)")
    String schedule;

    @Option(names = "--rounds", description = "pruning rounds (default 12)")
    Integer rounds;

    @Option(names = "--dense-epochs", description = "epochs of dense training (default 8)")
    Integer denseEpochs;

    @Option(names = "--fine-tune-epochs", description = "epochs of masked fine-tuning per round (default 1)")
    Integer fineTuneEpochs;

    @Option(names = "--batch-size", description = "minibatch size (default 128)")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "learning rate (default 0.001)")
    Double learningRate;

    @Option(names = "--fine-tune-learning-rate", description = "fine-tuning learning rate (default 0.003)")
    Double fineTuneLearningRate;

    @Option(names = "--recluster-every", description = "build the modules again every N rounds (default 0: once)")
    Integer reclusterEvery;

    @Option(names = "--grow-modules", negatable = true,
            description = "fix the modules after one dense epoch and grow them with an L1 penalty on inter-module weights")
    Boolean growModules;

    @Option(names = "--grow-l1", description = "that penalty's λ (default 0.0003)")
    Double growL1;

    @Option(names = "--option", description = "plugin option STAGE.KEY=VALUE, e.g. allocation.maxLast=0.9 (repeatable)")
    List<String> pluginOptions;

    Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("dataset", dataset);
        o.put("arch", arch);
        o.put("trainer", trainer);
        o.put("clusterer", clusterer);
        o.put("scorer", scorer);
        o.put("pruner", pruner);
        o.put("allocation", allocation);
        o.put("schedule", schedule);
        o.put("rounds", rounds);
        o.put("denseEpochs", denseEpochs);
        o.put("fineTuneEpochs", fineTuneEpochs);
        o.put("batchSize", batchSize);
        o.put("learningRate", learningRate);
        o.put("fineTuneLearningRate", fineTuneLearningRate);
        o.put("reclusterEvery", reclusterEvery);
        o.put("growModules", growModules);
        o.put("growL1", growL1);
        if (pluginOptions != null) {
            Map<String, Map<String, String>> byStage = new LinkedHashMap<>();
            for (String kv : pluginOptions) {
                int dot = kv.indexOf('.');
                int eq = kv.indexOf('=');
                if (dot < 1 || eq < dot + 2) {
                    throw new InvalidInputException("--option must look like STAGE.KEY=VALUE, got '" + kv + "'");
                }
                byStage.computeIfAbsent(kv.substring(0, dot), k -> new LinkedHashMap<>())
                        .put(kv.substring(dot + 1, eq), kv.substring(eq + 1));
            }
            o.put("options", byStage);
        }
        return o;
    }

    Map<String, Object> fileSettings() {
        return planFile == null ? null : Plans.readFile(planFile);
    }

    PruningPlan plan(Map<String, Object> extra) {
        return plan(Map.of(), extra);
    }

    /**
     * The plan from, lowest first: the defaults and preset, {@code belowFile} (a command's own
     * defaults), the plan file, the flags, then {@code extra} (null values there are ignored).
     */
    PruningPlan plan(Map<String, Object> belowFile, Map<String, Object> extra) {
        Map<String, Object> file = new java.util.LinkedHashMap<>(belowFile);
        Map<String, Object> settings = fileSettings();
        if (settings != null) {
            file.putAll(settings);
        }
        Map<String, Object> o = overrides();
        extra.forEach((k, v) -> {
            if (v != null) {
                o.put(k, v);
            }
        });
        return Plans.build(file, o);
    }

    static List<Double> parseSparsities(String csv) {
        List<Double> levels;
        try {
            levels = Arrays.stream(csv.split(",")).map(String::trim).map(Double::parseDouble).toList();
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--sparsities must be a comma-separated list of numbers, got '" + csv + "'");
        }
        for (double l : levels) {
            if (!(l > 0 && l < 1)) {
                throw new InvalidInputException("--sparsities must lie in (0, 1), got " + l);
            }
        }
        return levels;
    }
}
