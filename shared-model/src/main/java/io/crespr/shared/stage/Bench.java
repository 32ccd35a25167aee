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
 * and shared by all methods (differences pair by seed); every method then runs one gradual
 * schedule to the highest sparsity that hits each requested level exactly on its way, and the
 * accuracy after that round's fine-tuning is recorded.
 */
public final class Bench {

    /** One measured point. */
    public record Row(String dataset, String arch, String method, double sparsity, long seed, double accuracy,
            double validationAccuracy, double achievedSparsity, Double worstClassRecall, double denseAccuracy) {
    }

    /** All rows, plus wall time per method and stage. */
    public record Outcome(List<Row> rows, Map<String, Map<String, Double>> secondsByMethod, double denseSeconds,
            double totalSeconds) {
    }

    /** How the bench reports progress. */
    public interface Progress {
        void started(String method, long seed);
    }

    private Bench() {
    }

    /**
     * @param base       the plan every run starts from (dataset, arch, budget, options); its
     *                   method, target, milestones and seed are set per run
     * @param methods    method presets to compare
     * @param sparsities levels to record
     * @param seeds      seeds to run (one dense model each)
     * @param data       the data split for a seed
     */
    public static Outcome run(Map<String, Object> base, List<String> methods, List<Double> sparsities,
            List<Long> seeds, LongFunction<DataSplit> data, Progress progress, PipelineListener listener) {
        long t0 = System.nanoTime();
        List<Double> levels = sparsities.stream().sorted().distinct().toList();
        double target = levels.get(levels.size() - 1);
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, Double>> seconds = new LinkedHashMap<>();
        double denseSeconds = 0;
        for (long seed : seeds) {
            DataSplit split = data.apply(seed);
            Checkpoint dense = null;
            for (String method : methods) {
                Map<String, Object> o = new LinkedHashMap<>(base);
                o.put("method", method);
                o.put("seed", seed);
                o.put("targetSparsity", target);
                o.put("milestones", levels);
                PruningPlan plan = Plans.build(null, o);
                progress.started(method, seed);
                PruningPipeline pipeline = new PruningPipeline(plan, split, listener);
                if (dense == null) {
                    dense = pipeline.trainDense();
                    denseSeconds += pipeline.timings().get("train");
                }
                PruningResult r = pipeline.pruneFrom(dense);
                Map<String, Double> s = seconds.computeIfAbsent(method, k -> new LinkedHashMap<>());
                r.stageSeconds().forEach((k, v) -> s.merge(k, v, Double::sum));
                for (double level : levels) {
                    RoundResult rr = r.at(level).orElseThrow();
                    rows.add(new Row(plan.dataset(), plan.arch(), method, level, seed, rr.testAccuracy(),
                            rr.validationAccuracy(), rr.sparsity(),
                            rr.metrics().get("worstClassRecall") instanceof Number n ? n.doubleValue() : null,
                            r.denseRound().testAccuracy()));
                }
            }
        }
        return new Outcome(rows, seconds, denseSeconds, (System.nanoTime() - t0) / 1e9);
    }
}
