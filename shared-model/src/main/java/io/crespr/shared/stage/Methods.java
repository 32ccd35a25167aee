package io.crespr.shared.stage;

import io.crespr.shared.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Presets for {@code --method}: a name for a set of stage plugins. A plan's own plugin fields
 * override the preset's.
 */
public final class Methods {

    private static final Map<String, Map<String, Object>> PRESETS = new LinkedHashMap<>();

    static {
        // Gradual magnitude pruning (Zhu & Gupta 2017): global |w| ranking, cubic schedule.
        PRESETS.put("gmp", Map.of("clusterer", "none", "scorer", "magnitude", "pruner", "global",
                "schedule", "cubic"));
        // The control every method must beat: the same machinery with random saliency.
        PRESETS.put("random", Map.of("clusterer", "none", "scorer", "random", "pruner", "global",
                "schedule", "cubic"));
    }

    private Methods() {
    }

    public static java.util.Set<String> names() {
        return PRESETS.keySet();
    }

    public static Map<String, Object> preset(String method) {
        Map<String, Object> p = PRESETS.get(method);
        if (p == null) {
            throw new InvalidInputException("unknown method '" + method + "'; known: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return p;
    }
}
