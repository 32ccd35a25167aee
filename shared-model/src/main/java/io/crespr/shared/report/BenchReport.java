package io.crespr.shared.report;

import io.crespr.shared.stage.Bench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The bench's files: {@code bench.csv}, {@code bench.md} (mean ± std) and {@code bench.png}. */
public final class BenchReport {

    private BenchReport() {
    }

    public static void write(Bench.Outcome o, String command, Path dir) {
        AtomicFiles.writeString(dir.resolve("bench.csv"), csv(o));
        Charts.lines(dir.resolve("bench.png"), "test accuracy vs sparsity", "sparsity (plotted as -log10(1 - s))",
                "test accuracy (%)", lines(o));
        AtomicFiles.writeString(dir.resolve("bench.md"), markdown(o, command));
    }

    /** One row per run and level; the Hessian and modularity figures follow the fixed columns. */
    public static String csv(Bench.Outcome o) {
        List<String> figures = o.rows().stream().flatMap(r -> r.figures().keySet().stream()).distinct().toList();
        StringBuilder sb = new StringBuilder(
                "dataset,arch,method,sparsity,seed,accuracy,validation_accuracy,achieved_sparsity,worst_class_recall,dense_accuracy");
        figures.forEach(f -> sb.append(',').append(f));
        sb.append('\n');
        for (Bench.Row r : o.rows()) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.4f,%.4f,%.6f,%s,%.4f", r.dataset(), r.arch(),
                    r.method(), r.sparsity(), r.seed(), r.accuracy(), r.validationAccuracy(), r.achievedSparsity(),
                    r.worstClassRecall() == null ? "" : String.format(Locale.ROOT, "%.4f", r.worstClassRecall()),
                    r.denseAccuracy()));
            for (String f : figures) {
                Double v = r.figures().get(f);
                sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Mean and sample standard deviation. */
    public static double[] meanStd(List<Double> v) {
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        return new double[] {mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0};
    }

    public static String markdown(Bench.Outcome o, String command) {
        List<Double> levels = o.rows().stream().map(Bench.Row::sparsity).distinct().sorted().toList();
        Map<String, List<Bench.Row>> byMethod = o.rows().stream()
                .collect(Collectors.groupingBy(Bench.Row::method, LinkedHashMap::new, Collectors.toList()));
        StringBuilder sb = new StringBuilder();
        sb.append("Command: `").append(command).append("`\n\n");
        Bench.Row first = o.rows().get(0);
        sb.append("Test accuracy (%), mean ± std over ").append(o.rows().stream().map(Bench.Row::seed).distinct().count())
                .append(" seed(s); ").append(first.dataset()).append(", ").append(first.arch()).append(".\n\n");
        sb.append("| method | dense |");
        levels.forEach(l -> sb.append(' ').append(l).append(" |"));
        sb.append("\n|---|---:|");
        levels.forEach(l -> sb.append("---:|"));
        sb.append('\n');
        for (var e : byMethod.entrySet()) {
            Map<Long, Double> dense = new TreeMap<>();
            e.getValue().forEach(r -> dense.put(r.seed(), r.denseAccuracy()));
            sb.append("| ").append(e.getKey()).append(" | ").append(fmt(meanStd(new ArrayList<>(dense.values()))))
                    .append(" |");
            for (double l : levels) {
                List<Double> acc = e.getValue().stream().filter(r -> r.sparsity() == l).map(Bench.Row::accuracy).toList();
                sb.append(' ').append(fmt(meanStd(acc))).append(" |");
            }
            sb.append('\n');
        }
        pairedDifferences(sb, o, levels, byMethod);
        sb.append("\nWorst-class recall (mean):\n\n| method |");
        levels.forEach(l -> sb.append(' ').append(l).append(" |"));
        sb.append("\n|---|");
        levels.forEach(l -> sb.append("---:|"));
        sb.append('\n');
        for (var e : byMethod.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (double l : levels) {
                List<Double> w = e.getValue().stream().filter(r -> r.sparsity() == l && r.worstClassRecall() != null)
                        .map(Bench.Row::worstClassRecall).toList();
                sb.append(String.format(Locale.ROOT, " %.3f |", meanStd(w)[0]));
            }
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nWall time: dense training %.1f s in all; total %.1f s.%n%n",
                o.denseSeconds(), o.totalSeconds()));
        sb.append("| method | stage | seconds (all seeds) |\n|---|---|---:|\n");
        o.secondsByMethod().forEach((m, s) -> s.forEach((k, v) -> sb.append(String.format(Locale.ROOT,
                "| %s | %s | %.2f |%n", m, k, v))));
        return sb.toString();
    }

    /**
     * CRESPR minus every other method, paired by seed (each seed's dense model is shared), in
     * points: mean ± std of the per-seed differences.
     */
    private static void pairedDifferences(StringBuilder sb, Bench.Outcome o, List<Double> levels,
            Map<String, List<Bench.Row>> byMethod) {
        String a = Bench.MATCHED_SOURCE;
        if (!byMethod.containsKey(a) || byMethod.size() < 2) {
            return;
        }
        sb.append("\nPaired differences, ").append(a).append(" minus each method (points, mean ± std over seeds):\n\n");
        sb.append("| difference |");
        levels.forEach(l -> sb.append(' ').append(l).append(" |"));
        sb.append("\n|---|");
        levels.forEach(l -> sb.append("---:|"));
        sb.append('\n');
        for (String b : byMethod.keySet()) {
            if (b.equals(a)) {
                continue;
            }
            sb.append("| ").append(a).append(" − ").append(b).append(" |");
            for (double l : levels) {
                List<Double> d = new ArrayList<>();
                for (Bench.Row ra : byMethod.get(a)) {
                    if (ra.sparsity() != l) {
                        continue;
                    }
                    byMethod.get(b).stream().filter(rb -> rb.sparsity() == l && rb.seed() == ra.seed()).findFirst()
                            .ifPresent(rb -> d.add(ra.accuracy() - rb.accuracy()));
                }
                sb.append(' ').append(d.isEmpty() ? "–" : fmt(meanStd(d)).replace(" ± ", " ± ")).append(" |");
            }
            sb.append('\n');
        }
    }

    private static String fmt(double[] ms) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * ms[0], 100 * ms[1]);
    }

    private static List<Charts.Line> lines(Bench.Outcome o) {
        List<Charts.Line> out = new ArrayList<>();
        Map<String, List<Bench.Row>> byMethod = o.rows().stream()
                .collect(Collectors.groupingBy(Bench.Row::method, LinkedHashMap::new, Collectors.toList()));
        for (var e : byMethod.entrySet()) {
            List<Double> levels = e.getValue().stream().map(Bench.Row::sparsity).distinct().sorted().toList();
            double[] x = new double[levels.size()];
            double[] y = new double[levels.size()];
            for (int i = 0; i < x.length; i++) {
                double l = levels.get(i);
                x[i] = -Math.log10(1 - l);
                y[i] = 100 * meanStd(e.getValue().stream().filter(r -> r.sparsity() == l).map(Bench.Row::accuracy)
                        .toList())[0];
            }
            out.add(new Charts.Line(e.getKey(), x, y));
        }
        return out;
    }
}
