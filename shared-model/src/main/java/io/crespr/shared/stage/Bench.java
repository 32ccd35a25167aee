package io.crespr.shared.stage;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Methods side by side on the same dense models: for every seed one dense network is trained
 * and shared by all methods (differences pair by seed). By default every method runs once per
 * level with the plan for that level (its schedule ends there and its penalty is scaled to it),
 * so each level shows the best model a user asking for it would get. {@code gradual} instead
 * runs one schedule per method to the highest level that hits every requested level on its
 * way and records each: about as many times faster as there are levels, but a level reached on
 * the way to 0.998 is not the model a plan for that level gives.
 */
public final class Bench {

    /** One measured point. */
    public record Row(String dataset, String arch, String method, double sparsity, long seed, double accuracy,
            double validationAccuracy, double achievedSparsity, Double worstClassRecall, double denseAccuracy,
            Map<String, Double> figures) {
    }

    /** All rows, plus wall time per method and stage. */
    public record Outcome(List<Row> rows, Map<String, Map<String, Double>> secondsByMethod, double denseSeconds,
            double totalSeconds) {
    }

    /** How the bench reports progress. */
    public interface Progress {
        void started(String method, long seed);

        /** A seed's runs are all done; {@code rows} holds every row so far (a long bench can save them). */
        default void seedDone(long seed, List<Row> rows) {
        }
    }

    /** The method {@code layer-matched} copies its per-layer counts from. */
    public static final String MATCHED_SOURCE = "crespr";

    private Bench() {
    }

    /** {@code layer-matched} needs {@code crespr}'s counts, so crespr runs first. */
    private static List<String> ordered(List<String> methods) {
        if (!methods.contains(Methods.LAYER_MATCHED)) {
            return methods;
        }
        if (!methods.contains(MATCHED_SOURCE)) {
            throw new io.crespr.shared.InvalidInputException("method " + Methods.LAYER_MATCHED + " copies the per-layer "
                    + "counts of " + MATCHED_SOURCE + "; add " + MATCHED_SOURCE + " to the methods");
        }
        List<String> out = new ArrayList<>();
        out.add(MATCHED_SOURCE);
        methods.stream().filter(m -> !m.equals(MATCHED_SOURCE)).forEach(out::add);
        return out;
    }

    /** {@code "s1=a,b,c;s2=…"}: the kept weights per layer after every round, by its sparsity. */
    static String keptCountsByRound(PruningResult r) {
        StringBuilder sb = new StringBuilder();
        for (RoundResult rr : r.rounds()) {
            if (!(rr.metrics().get("layerKept") instanceof Map<?, ?> kept)) {
                throw new IllegalStateException("layer-matched needs the sparsity evaluator's layerKept");
            }
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(rr.scheduledSparsity()).append('=');
            sb.append(String.join(",", kept.values().stream().map(String::valueOf).toList()));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withAllocationKeep(Object options, String counts) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (options instanceof Map<?, ?> m) {
            m.forEach((k, v) -> o.put(String.valueOf(k), v));
        }
        Map<String, Object> alloc = new LinkedHashMap<>();
        if (o.get("allocation") instanceof Map<?, ?> a) {
            a.forEach((k, v) -> alloc.put(String.valueOf(k), v));
        }
        alloc.put("keep", counts);
        o.put("allocation", alloc);
        return o;
    }

    /**
     * @param base       the plan every run starts from (dataset, arch, budget, options); its
     *                   method, target, milestones and seed are set per run
     * @param methods    method presets to compare
     * @param sparsities levels to record
     * @param seeds      seeds to run (one dense model each)
     * @param gradual    one run per method and seed records every level (see the class comment)
     * @param data       the data split for a seed
     */
    public static Outcome run(Map<String, Object> base, List<String> methods, List<Double> sparsities,
            List<Long> seeds, boolean gradual, LongFunction<DataSplit> data, Progress progress,
            PipelineListener listener) {
        long t0 = System.nanoTime();
        List<Double> levels = sparsities.stream().sorted().distinct().toList();
        List<List<Double>> runs = gradual ? List.of(levels) : levels.stream().map(List::of).toList();
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, Double>> seconds = new LinkedHashMap<>();
        double denseSeconds = 0;
        for (long seed : seeds) {
            DataSplit split = data.apply(seed);
            Checkpoint dense = null;
            Map<Double, String> matchedCounts = new LinkedHashMap<>();
            for (String method : ordered(methods)) {
                for (List<Double> recorded : runs) {
                    double target = recorded.get(recorded.size() - 1);
                    Map<String, Object> o = new LinkedHashMap<>(base);
                    if (method.equals(Methods.LAYER_MATCHED)) {
                        o.put("options", withAllocationKeep(base.get("options"), matchedCounts.get(target)));
                    }
                    o.put("method", method);
                    o.put("seed", seed);
                    o.put("targetSparsity", target);
                    o.put("milestones", recorded);
                    PruningPlan plan = Plans.build(null, o);
                    progress.started(method + (gradual ? "" : " @ " + target), seed);
                    PruningPipeline pipeline = new PruningPipeline(plan, split, listener);
                    PruningResult r;
                    if (plan.growModules()) {
                        // Its dense training grows the modules, so it cannot share the others' dense model.
                        r = pipeline.run();
                    } else {
                        if (dense == null) {
                            dense = pipeline.trainDense();
                            denseSeconds += pipeline.timings().get("train");
                        }
                        r = pipeline.pruneFrom(dense);
                    }
                    if (method.equals(MATCHED_SOURCE)) {
                        matchedCounts.put(target, keptCountsByRound(r));
                    }
                    Map<String, Double> s = seconds.computeIfAbsent(method, k -> new LinkedHashMap<>());
                    boolean sharedDense = !plan.growModules();
                    // The shared dense training is reported once, apart from the methods.
                    r.stageSeconds().forEach((k, v) -> {
                        if (!(sharedDense && k.equals("train"))) {
                            s.merge(k, v, Double::sum);
                        }
                    });
                    for (double level : recorded) {
                        RoundResult rr = r.at(level).orElseThrow();
                        rows.add(new Row(plan.dataset(), plan.arch(), method, level, seed, rr.testAccuracy(),
                                rr.validationAccuracy(), rr.sparsity(),
                                rr.metrics().get("worstClassRecall") instanceof Number n ? n.doubleValue() : null,
                                r.denseRound().testAccuracy(), BenchFigures.of(rr)));
                    }
                }
            }
            progress.seedDone(seed, List.copyOf(rows));
        }
        return new Outcome(rows, seconds, denseSeconds, (System.nanoTime() - t0) / 1e9);
    }
}
