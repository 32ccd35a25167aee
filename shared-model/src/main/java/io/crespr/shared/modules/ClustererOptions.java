package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.spi.PluginOptions;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading and checking the options of a cluster plugin, with one-line
 * {@link InvalidInputException} messages that name the plugin, the option and the bad value.
 */
public final class ClustererOptions {

    private ClustererOptions() {
    }

    /** A {@code true}/{@code false} option (case-insensitive). */
    public static boolean flag(PluginOptions options, String key, boolean fallback) {
        String v = options.values().get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException(options.plugin() + " option " + key
                    + " must be true or false, got '" + v + "'");
        };
    }

    /** An option whose value must be one of {@code allowed}. */
    public static String choice(PluginOptions options, String key, String fallback, Set<String> allowed) {
        String v = options.string(key, fallback).trim();
        if (!allowed.contains(v)) {
            throw new InvalidInputException(options.plugin() + " option " + key + " must be one of "
                    + String.join(", ", new TreeSet<>(allowed)) + ", got '" + v + "'");
        }
        return v;
    }

    /**
     * The option {@code kChoices} ("2,3,4"): module counts the pipeline tries before it builds the
     * modules, keeping the one whose one-shot pruning to the plan's final target scores best on the
     * validation split. Empty when not set.
     */
    public static java.util.List<Integer> kChoices(PluginOptions options) {
        String v = options.values().get("kChoices");
        if (v == null || v.isBlank()) {
            return java.util.List.of();
        }
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (String part : v.split(",")) {
            int k;
            try {
                k = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(options.plugin() + " option kChoices must be a comma-separated list of "
                        + "module counts, got '" + v + "'");
            }
            if (k < 1) {
                throw new InvalidInputException(options.plugin() + " option kChoices must hold counts of at least 1, got "
                        + k);
            }
            out.add(k);
        }
        return out.stream().distinct().sorted().toList();
    }

    /**
     * The option {@code sharedInputs}: {@code true} (every module reads all input nodes),
     * {@code false} (the input nodes are partitioned too) or {@code auto} (the default: shared
     * exactly when the input layer has fewer nodes than modules, as a one-channel image has).
     */
    public static String sharedInputs(PluginOptions options) {
        return choice(options, "sharedInputs", "auto", java.util.Set.of("auto", "true", "false"));
    }

    /** Whether the input layer is shared, for a {@link #sharedInputs(PluginOptions)} setting. */
    public static boolean sharesInputs(String setting, int inputNodes, int k) {
        return setting.equals("auto") ? inputNodes < k : Boolean.parseBoolean(setting);
    }

    /** An integer option that must be at least {@code minimum}. */
    public static int atLeast(PluginOptions options, String key, int fallback, int minimum) {
        int v = options.integer(key, fallback);
        if (v < minimum) {
            throw new InvalidInputException(options.plugin() + " option " + key + " must be at least " + minimum
                    + ", got " + v);
        }
        return v;
    }

    /**
     * Checks that {@code k} modules fit: every node layer that is partitioned must have at
     * least {@code k} nodes, so that every module can hold a node of every layer. The input
     * layer is exempt when its nodes are shared by all modules.
     */
    public static void requireModulesFit(String plugin, int k, int[] layerSizes, boolean sharedInputs) {
        if (k < 1) {
            throw new InvalidInputException(plugin + " option k must be at least 1, got " + k);
        }
        for (int l = sharedInputs ? 1 : 0; l < layerSizes.length; l++) {
            if (layerSizes[l] < k) {
                String what = l == 0 ? "the input layer" : l == layerSizes.length - 1 ? "the class layer"
                        : "hidden node layer " + l;
                throw new InvalidInputException(plugin + " option k=" + k + " exceeds the " + layerSizes[l]
                        + " nodes of " + what + "; every module needs a node of every layer, so k must be at most "
                        + minimumSize(layerSizes, sharedInputs)
                        + (l == 0 && k <= minimumSize(layerSizes, true) ? " (or set sharedInputs=true)" : ""));
            }
        }
    }

    private static int minimumSize(int[] layerSizes, boolean sharedInputs) {
        int m = Integer.MAX_VALUE;
        for (int l = sharedInputs ? 1 : 0; l < layerSizes.length; l++) {
            m = Math.min(m, layerSizes[l]);
        }
        return m;
    }
}
