package io.crespr.shared.spi;

import io.crespr.shared.InvalidInputException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plugin's options as the plan gives them (strings), read with typed getters that name the
 * plugin, the key and the bad value when a value does not parse.
 */
public record PluginOptions(String plugin, Map<String, String> values) {

    public PluginOptions {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values == null ? Map.of() : values));
    }

    public static PluginOptions none(String plugin) {
        return new PluginOptions(plugin, Map.of());
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public double number(String key, double fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(plugin + " option " + key + " must be a number, got '" + v + "'");
        }
    }

    public int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(plugin + " option " + key + " must be an integer, got '" + v + "'");
        }
    }
}
