package io.crespr.inferencebench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The inference table: printed for people, written as CSV with the same columns. */
public final class BenchTable {

    private BenchTable() {
    }

    public static void print(List<BenchRow> rows, PrintStream out) {
        int planWidth = Math.max(14, rows.stream().mapToInt(r -> r.plan().length()).max().orElse(0));
        int modelWidth = Math.max(5, rows.stream().mapToInt(r -> r.modelLabel().length()).max().orElse(0));
        String head = "%-" + modelWidth + "s  %6s  %-6s  %-" + planWidth + "s  %21s  %12s  %9s  %9s  %8s%n";
        out.printf(Locale.ROOT, head, "model", "batch", "path", "plan per layer", "latency µs ± error", "samples/s",
                "speed-up", "FLOP lim", "share");
        String last = null;
        for (BenchRow r : rows) {
            String model = r.modelLabel();
            if (last != null && !last.equals(model + r.model())) {
                out.println();
            }
            last = model + r.model();
            out.printf(Locale.ROOT, "%-" + modelWidth + "s  %6d  %-6s  %-" + planWidth + "s  %21s  %12s  %9s  %9s  %8s%n",
                    model, r.batch(), r.path().label(), r.plan(), latency(r), fmt("%.0f", r.samplesPerSecond()),
                    fmt("%.2f×", r.speedup()), fmt("%.1f×", r.flopLimit()), fmt("%.1f %%", 100 * r.shareOfLimit()));
        }
    }

    private static String latency(BenchRow r) {
        String v = digits(r.latencyMicros());
        return Double.isFinite(r.errorMicros()) ? v + " ± " + digits(r.errorMicros()) : v;
    }

    /** Four significant digits, at most one decimal above 1000. */
    private static String digits(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    private static String fmt(String f, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, f, v) : "n/a";
    }

    public static void writeCsv(List<BenchRow> rows, Path csv) {
        List<String> lines = new ArrayList<>();
        lines.add(BenchRow.CSV_HEADER);
        rows.forEach(r -> lines.add(r.csv()));
        try {
            Path parent = csv.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
            Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }
}
