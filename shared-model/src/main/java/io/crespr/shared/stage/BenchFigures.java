package io.crespr.shared.stage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hessian and modularity figures of one measured round, flattened to named numbers for
 * the bench's CSV: intra-module survivor share, inter-module mass share, n-cut, connected
 * units per hidden layer, per weight layer the Hessian's off-block mass for the modules and
 * for random partitions of equal sizes, and the predicted and measured loss rise of the
 * round's pruning step. A figure an evaluator did not report is absent.
 */
final class BenchFigures {

    private BenchFigures() {
    }

    static Map<String, Double> of(RoundResult r) {
        Map<String, Object> m = r.metrics();
        Map<String, Double> f = new LinkedHashMap<>();
        number(m.get("intraModuleSurvivorShare")).ifPresent(v -> f.put("intra_module_share", v));
        number(m.get("interModuleMassShare")).ifPresent(v -> f.put("inter_module_mass_share", v));
        number(m.get("nCut")).ifPresent(v -> f.put("ncut", v));
        if (m.get("connectedUnits") instanceof List<?> units) {
            for (int i = 0; i < units.size(); i++) {
                int layer = i + 1;
                number(units.get(i)).ifPresent(v -> f.put("connected_units_h" + layer, v));
            }
        }
        if (m.get("hessianOffBlockShare") instanceof Map<?, ?> share) {
            share.forEach((layer, s) -> {
                if (s instanceof Map<?, ?> v) {
                    number(v.get("observed")).ifPresent(x -> f.put("off_block_" + layer, x));
                    number(v.get("randomMean")).ifPresent(x -> f.put("off_block_random_" + layer, x));
                }
            });
        }
        if (m.get("pruneStep") instanceof Map<?, ?> step) {
            number(step.get("predictedRise")).ifPresent(v -> f.put("predicted_rise", v));
            number(step.get("measuredRise")).ifPresent(v -> f.put("measured_rise", v));
            number(step.get("validationLossRise")).ifPresent(v -> f.put("validation_loss_rise", v));
        }
        return f;
    }

    private static java.util.Optional<Double> number(Object o) {
        return o instanceof Number n ? java.util.Optional.of(n.doubleValue()) : java.util.Optional.empty();
    }
}
