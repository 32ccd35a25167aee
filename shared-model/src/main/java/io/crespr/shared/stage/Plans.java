package io.crespr.shared.stage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link PruningPlan} in layers: defaults, then the method's preset, then a plan file
 * (YAML or JSON), then single settings (command-line flags). A later layer wins.
 */
public final class Plans {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Plans() {
    }

    public static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", "gmp");
        d.put("dataset", "mnist-mini");
        d.put("arch", "lenet-300-100");
        d.put("seed", 1L);
        d.put("targetSparsity", 0.9);
        d.put("trainer", "adam");
        d.put("clusterer", "none");
        d.put("scorer", "magnitude");
        d.put("pruner", "global");
        d.put("allocation", "uniform");
        d.put("schedule", "cubic");
        d.put("evaluators", List.of("accuracy", "sparsity", "cost", "structure", "hessian-blocks"));
        d.put("rounds", 12);
        d.put("denseEpochs", 8);
        d.put("fineTuneEpochs", 1);
        d.put("batchSize", 128);
        d.put("learningRate", 1e-3);
        // Chosen on fashion-mnist validation among 3e-4, 1e-3, 3e-3 and 1e-2 (BENCHMARKS.md): a fresh
        // Adam per round recovers best with a larger step than dense training uses.
        d.put("fineTuneLearningRate", 3e-3);
        d.put("reclusterEvery", 0);
        d.put("growModules", false);
        d.put("growL1", 3e-4);
        return d;
    }

    /** Reads a plan file's settings (YAML or JSON; JSON is YAML). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readFile(Path file) {
        String name = file.getFileName().toString();
        if (!Files.exists(file)) {
            throw new InvalidInputException("plan file " + file + " not found");
        }
        try {
            Object o = YAML.readValue(Files.readAllBytes(file), Object.class);
            if (!(o instanceof Map)) {
                throw new InvalidInputException("plan file " + name + " must hold a mapping of settings");
            }
            return (Map<String, Object>) o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new InvalidInputException("plan file " + name + " does not parse"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new InvalidInputException("plan file " + name + " cannot be read: " + e, e);
        }
    }

    /** The plan from file settings and overrides ({@code null} values in overrides are ignored). */
    public static PruningPlan build(Map<String, Object> fileSettings, Map<String, Object> overrides) {
        Map<String, Object> given = new LinkedHashMap<>();
        if (fileSettings != null) {
            given.putAll(fileSettings);
        }
        if (overrides != null) {
            overrides.forEach((k, v) -> {
                if (v != null) {
                    given.put(k, v);
                }
            });
        }
        Map<String, Object> merged = defaults();
        String method = String.valueOf(given.getOrDefault("method", merged.get("method")));
        merged.putAll(Methods.preset(method, targetOf(given.getOrDefault("targetSparsity", merged.get("targetSparsity")))));
        Map<String, Map<String, String>> options = mergeOptions(merged.get("options"), given.get("options"));
        merged.putAll(given);
        merged.put("options", options);
        try {
            return YAML.convertValue(merged, PruningPlan.class);
        } catch (IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidInputException iie) {
                    throw iie;
                }
            }
            Throwable c = e.getCause();
            if (c instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
                    && !(c instanceof UnrecognizedPropertyException) && !mi.getPath().isEmpty()) {
                String field = mi.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                        : String.valueOf(r.getIndex())).reduce((a, b) -> a + "." + b).orElse("?");
                throw new InvalidInputException("plan setting " + field + " has the wrong type: "
                        + mi.getOriginalMessage().lines().findFirst().orElse(""), e);
            }
            if (c instanceof UnrecognizedPropertyException u) {
                throw new InvalidInputException("unknown plan setting '" + u.getPropertyName() + "'; known: "
                        + String.join(", ", defaultsAndOptional()));
            }
            throw new InvalidInputException("plan does not parse: "
                    + (c == null ? e.getMessage() : c.getMessage()).lines().findFirst().orElse(""), e);
        }
    }

    /** The target as given, for the preset's penalty; a value that is no number fails later, with its name. */
    private static double targetOf(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            return 0.9;
        }
    }

    /** Plugin options merge key by key per stage: the plan's values win over the preset's. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> mergeOptions(Object preset, Object given) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Object layer : new Object[] {preset, given}) {
            if (layer == null) {
                continue;
            }
            if (!(layer instanceof Map<?, ?> byStage)) {
                throw new InvalidInputException("plan setting options must map stage names to option maps, got " + layer);
            }
            byStage.forEach((stage, opts) -> {
                if (!(opts instanceof Map<?, ?> kv)) {
                    throw new InvalidInputException("options of " + stage + " must be a map, got " + opts);
                }
                Map<String, String> target = out.computeIfAbsent(String.valueOf(stage), k -> new LinkedHashMap<>());
                kv.forEach((k, v) -> target.put(String.valueOf(k), String.valueOf(v)));
            });
        }
        return out;
    }

    private static List<String> defaultsAndOptional() {
        List<String> k = new java.util.ArrayList<>(defaults().keySet());
        k.addAll(List.of("milestones", "options"));
        return k;
    }

    /** The plan as a map, for result files and events. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(PruningPlan plan) {
        return YAML.convertValue(plan, Map.class);
    }
}
