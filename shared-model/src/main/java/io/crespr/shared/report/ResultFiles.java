package io.crespr.shared.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files a pruning job leaves in its output directory: {@code result.json},
 * {@code report.md}, {@code accuracy.png} and {@code pruned.ckpt} (plus {@code dense.ckpt}).
 * Every file is written whole, then renamed into place; {@code result.json} comes last, so
 * its presence means the rest is complete.
 */
public final class ResultFiles {

    /**
     * Checks an output directory ({@code --out}) before any work starts, so that a bad one fails in
     * a second, not after training: it is a directory, or can be created in a writable one.
     *
     * @throws io.crespr.shared.InvalidInputException naming the problem
     */
    public static void checkOutputDirectory(Path out) {
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new io.crespr.shared.InvalidInputException("--out " + out + " exists and is not a directory");
        }
        Path existing = out.toAbsolutePath();
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !java.nio.file.Files.isDirectory(existing) || !java.nio.file.Files.isWritable(existing)) {
            throw new io.crespr.shared.InvalidInputException("--out " + out + " cannot be created: " + existing
                    + " is not a writable directory");
        }
    }

    public static final String RESULT = "result.json";
    public static final String REPORT = "report.md";
    public static final String CHART = "accuracy.png";
    public static final String PRUNED = "pruned.ckpt";
    public static final String DENSE = "dense.ckpt";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /**
     * Writes every file; with a module map, also the module atlas ({@code module-N-inputs.png},
     * {@code network.png}) from the test data.
     */
    public static void write(PruningResult result, io.crespr.shared.data.DataSplit data, Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create output directory " + dir, e);
        }
        // A directory reused from an earlier run must not keep that run's files: result.json goes
        // first (so an interrupted write leaves no complete-looking result) and the module atlas,
        // which not every run writes, goes too.
        try (var old = java.nio.file.Files.list(dir)) {
            for (Path f : old.toList()) {
                String n = f.getFileName().toString();
                if (n.equals(RESULT) || n.equals("network.png") || n.matches("module-\\d+-inputs\\.png")) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot clear earlier results in " + dir, e);
        }
        CheckpointCodec.save(result.dense(), dir.resolve(DENSE));
        CheckpointCodec.save(result.pruned(), dir.resolve(PRUNED));
        Charts.lines(dir.resolve(CHART), result.plan().method() + " on " + result.plan().dataset() + ", "
                        + result.plan().arch(), "round", "test accuracy (%)", List.of(accuracyLine(result)));
        String report = Reports.markdown(result);
        if (!result.pruned().modules().isEmpty()) {
            report += ModuleAtlas.write(result.pruned(), data.test(), dir);
        }
        AtomicFiles.writeString(dir.resolve(REPORT), report);
        AtomicFiles.write(dir.resolve(RESULT), tmp -> JSON.writeValue(tmp.toFile(), toMap(result)));
    }

    private static Charts.Line accuracyLine(PruningResult r) {
        List<RoundResult> all = new ArrayList<>();
        all.add(r.denseRound());
        all.addAll(r.rounds());
        double[] x = new double[all.size()];
        double[] y = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            x[i] = all.get(i).round();
            y[i] = 100 * all.get(i).testAccuracy();
        }
        return new Charts.Line(r.plan().method(), x, y);
    }

    /** The content of {@code result.json}. */
    public static Map<String, Object> toMap(PruningResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.plan().method());
        m.put("dataset", r.plan().dataset());
        m.put("arch", r.plan().arch());
        m.put("seed", r.plan().seed());
        m.put("targetSparsity", r.plan().targetSparsity());
        m.put("achievedSparsity", r.last().sparsity());
        m.put("denseAccuracy", r.denseRound().testAccuracy());
        m.put("prunedAccuracy", r.last().testAccuracy());
        m.put("denseValidationAccuracy", r.denseRound().validationAccuracy());
        m.put("prunedValidationAccuracy", r.last().validationAccuracy());
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (RoundResult rr : r.rounds()) {
            rounds.add(round(rr));
        }
        m.put("rounds", rounds);
        m.put("dense", round(r.denseRound()));
        m.put("stageSeconds", r.stageSeconds());
        m.put("totalSeconds", r.totalSeconds());
        m.put("plan", Plans.toMap(r.plan()));
        m.put("checkpoint", checkpoint(r.pruned(), PRUNED));
        m.put("denseCheckpoint", checkpoint(r.dense(), DENSE));
        m.put("provenance", r.pruned().provenance());
        m.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "java", System.getProperty("java.version")));
        return m;
    }

    private static Map<String, Object> round(RoundResult rr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", rr.round());
        m.put("scheduledSparsity", rr.scheduledSparsity());
        m.put("sparsity", rr.sparsity());
        m.put("accuracy", rr.testAccuracy());
        m.put("validationAccuracy", rr.validationAccuracy());
        m.put("metrics", rr.metrics());
        m.put("seconds", rr.seconds());
        return m;
    }

    private static Map<String, Object> checkpoint(Checkpoint c, String file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("id", c.id());
        m.put("sha256", CheckpointCodec.contentHash(c));
        return m;
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
