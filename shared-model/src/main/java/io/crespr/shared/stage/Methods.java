package io.crespr.shared.stage;

import io.crespr.shared.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Presets for {@code --method}: a name for a set of stage plugins and their options. A plan's
 * own settings override the preset's (options merge key by key). Every method shares the same
 * budget: dense epochs, rounds and fine-tuning epochs come from the plan, not the preset.
 */
public final class Methods {

    /**
     * The sparsity-promoting penalty every "+L1" method shares, tuned for the target: λ grows
     * linearly over the rounds to {@link #l1For(double)}. Points chosen on Fashion-MNIST
     * validation (BENCHMARKS.md, "Per-target penalty"); between them λ is interpolated linearly
     * in log(1 − target), beyond them it is held.
     */
    static final double[][] L1_BY_TARGET = {
        {0.95, 0},
        {0.98, 1e-4},
        {0.99, 3e-4},
        {0.995, 3e-4},
        {0.998, 1e-3},
    };

    /** λ of the penalty for a plan that prunes to {@code target}. */
    public static double l1For(double target) {
        double[][] t = L1_BY_TARGET;
        if (target <= t[0][0]) {
            return t[0][1];
        }
        for (int i = 1; i < t.length; i++) {
            if (target <= t[i][0]) {
                double a = Math.log(1 - t[i - 1][0]);
                double b = Math.log(1 - t[i][0]);
                double f = (Math.log(1 - target) - a) / (b - a);
                return t[i - 1][1] + f * (t[i][1] - t[i - 1][1]);
            }
        }
        return t[t.length - 1][1];
    }

    /** The method whose per-layer counts {@code layer-matched} copies. */
    public static final String LAYER_MATCHED = "layer-matched";

    private static final Map<String, Map<String, Object>> PRESETS = new LinkedHashMap<>();

    static {
        // Gradual magnitude pruning (Zhu & Gupta 2017): global |w| ranking, cubic schedule.
        PRESETS.put("gmp", plugins("none", "magnitude", "global", "uniform", Map.of()));
        // GMP with the sparsity-promoting penalty on all weights: the strongest baseline seen so far.
        PRESETS.put("gmp-l1", plugins("none", "magnitude", "global", "uniform", Map.of("trainer", l1(1))));
        // LAMP (Lee et al. 2021) budgets, magnitude within layers, the same penalty.
        PRESETS.put("lamp", plugins("none", "magnitude", "layerwise", "lamp", Map.of("trainer", l1(1))));
        // Layer-wise second-order saliencies; not comparable across layers, so LAMP budgets.
        PRESETS.put("obd", plugins("none", "obd", "layerwise", "lamp", Map.of()));
        PRESETS.put("obs", plugins("none", "obs", "layerwise", "lamp", Map.of()));
        // CRESPR: class-anchored modules that span the network, inter-module weights pruned first,
        // the penalty on all weights and three times on inter-module ones.
        PRESETS.put("crespr", plugins("class-anchored", "magnitude", "cluster-restricted", "global", Map.of(
                "clusterer", Map.of("k", "2"), "pruner", Map.of("interBudget", "0.05"),
                "trainer", l1(3))));
        // GMP+L1 given exactly the per-layer counts CRESPR ends each round with (the bench fills
        // allocation.keep in): separates the modules' effect from the layer allocation's.
        PRESETS.put(LAYER_MATCHED, plugins("none", "magnitude", "layerwise", "fixed", Map.of("trainer", l1(1))));
        // The control every method must beat: the same machinery with random saliency.
        PRESETS.put("random", plugins("none", "random", "global", "uniform", Map.of()));
    }

    private Methods() {
    }

    private static Map<String, Object> plugins(String clusterer, String scorer, String pruner, String allocation,
            Map<String, Map<String, String>> options) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("clusterer", clusterer);
        p.put("scorer", scorer);
        p.put("pruner", pruner);
        p.put("allocation", allocation);
        p.put("schedule", "cubic");
        p.put("options", options);
        return java.util.Collections.unmodifiableMap(p);
    }

    /** The penalty's λ is filled in per target by {@link #preset(String, double)}. */
    private static final String L1_FOR_TARGET = "for-target";

    private static Map<String, String> l1(int interFactor) {
        return Map.of("l1", L1_FOR_TARGET, "l1Growth", "linear", "l1Scope", "all",
                "l1Inter", String.valueOf(interFactor));
    }

    public static java.util.Set<String> names() {
        return PRESETS.keySet();
    }

    /** The preset for a plan that prunes to {@code target}: its penalty is scaled to that target. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> preset(String method, double target) {
        Map<String, Object> p = PRESETS.get(method);
        if (p == null) {
            throw new InvalidInputException("unknown method '" + method + "'; known: "
                    + String.join(", ", PRESETS.keySet()));
        }
        Map<String, Object> out = new LinkedHashMap<>(p);
        Map<String, Map<String, String>> options = new LinkedHashMap<>();
        ((Map<String, Map<String, String>>) p.get("options")).forEach((stage, o) -> {
            Map<String, String> copy = new LinkedHashMap<>(o);
            copy.replaceAll((k, v) -> L1_FOR_TARGET.equals(v) ? String.valueOf(l1For(target)) : v);
            options.put(stage, copy);
        });
        out.put("options", options);
        return out;
    }
}
