package io.crespr.inferencebench;

import java.util.Locale;

/**
 * One line of the inference table: one path of one checkpoint at one batch size.
 *
 * @param model          the checkpoint file as given
 * @param arch           its architecture
 * @param sparsity       its share of pruned weights
 * @param modules        its number of modules (0: none)
 * @param dataset        the dataset whose test images ran
 * @param batch          samples per forward call
 * @param path           what ran
 * @param plan           kernel per layer ({@code csr/csr/dense}) as the forks ran it (forks whose auto plans
 *                       differ give each with its count: {@code csr/csr/csr ×1 | dense/csr/csr ×1}); "-" for DL4J
 * @param latencyMicros  mean time per call in µs
 * @param errorMicros    half-width of its 99.9 % confidence interval (JMH's score error); NaN when too few iterations
 * @param denseMacs      multiply-adds per sample of the dense network
 * @param sparseMacs     multiply-adds per sample that the surviving weights need
 * @param dl4jMicros     DL4J's time per call at this batch, NaN when DL4J was not run
 */
public record BenchRow(String model, String arch, double sparsity, int modules, String dataset, int batch, BenchPath path,
        String plan, double latencyMicros, double errorMicros, long denseMacs, long sparseMacs, double dl4jMicros) {

    public static final String CSV_HEADER = "model,arch,sparsity,modules,dataset,batch,path,plan,latency_us,"
            + "latency_error_us,samples_per_s,speedup_vs_dl4j,dense_macs_per_sample,sparse_macs_per_sample,flop_limit,"
            + "share_of_limit";

    /** The same row with another plan (the one the forks reported running). */
    public BenchRow withPlan(String newPlan) {
        return new BenchRow(model, arch, sparsity, modules, dataset, batch, path, newPlan, latencyMicros, errorMicros,
                denseMacs, sparseMacs, dl4jMicros);
    }

    /** Samples per second: {@code batch} per call. */
    public double samplesPerSecond() {
        return batch * 1e6 / latencyMicros;
    }

    /** DL4J's time per call over this path's. */
    public double speedup() {
        return dl4jMicros / latencyMicros;
    }

    /** The speed-up that skipping every zero would give at DL4J's speed per multiply-add: dense / surviving MACs. */
    public double flopLimit() {
        return (double) denseMacs / sparseMacs;
    }

    /** The share of the FLOP limit this path reaches: speed-up / limit. */
    public double shareOfLimit() {
        return speedup() / flopLimit();
    }

    /** "lenet-300-100 s=0.9900 k=3" */
    public String modelLabel() {
        return String.format(Locale.ROOT, "%s s=%.4f k=%d", arch, sparsity, modules);
    }

    public String csv() {
        return String.join(",", csvField(model), csvField(arch), String.format(Locale.ROOT, "%.6f", sparsity),
                Integer.toString(modules), csvField(dataset), Integer.toString(batch), path.label(), csvField(plan),
                num("%.4f", latencyMicros), num("%.4f", errorMicros), num("%.1f", samplesPerSecond()),
                num("%.4f", speedup()), Long.toString(denseMacs), Long.toString(sparseMacs), num("%.4f", flopLimit()),
                num("%.5f", shareOfLimit()));
    }

    private static String num(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "";
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
