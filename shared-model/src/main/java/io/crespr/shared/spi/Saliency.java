package io.crespr.shared.spi;

import java.util.Map;

/**
 * Importance of every prunable weight, by parameter name, in the parameter's row-major order:
 * a higher value means more important. Values of already pruned weights are ignored.
 */
public record Saliency(String scorer, Map<String, float[]> values) {
    public Saliency {
        values = Map.copyOf(values);
    }
}
