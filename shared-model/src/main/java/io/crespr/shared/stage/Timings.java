package io.crespr.shared.stage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall time per stage, summed over rounds, in seconds. */
public final class Timings {

    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public <T> T time(String stage, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            seconds.merge(stage, (System.nanoTime() - t0) / 1e9, Double::sum);
        }
    }

    public double get(String stage) {
        return seconds.getOrDefault(stage, 0.0);
    }

    public Map<String, Double> ordered() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
}
