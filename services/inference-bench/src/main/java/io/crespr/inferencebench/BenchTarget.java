package io.crespr.inferencebench;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint to benchmark, checked before anything is timed: it loads, it is pruned, every
 * compiled path compiles at every batch size and gives DL4J's outputs on the test images. Holds
 * what the table reports beside the times: the plan per layer of each (batch, path) and the dense
 * and surviving multiply-adds per sample.
 *
 * @param file        the checkpoint file
 * @param checkpoint  the checkpoint
 * @param dataset     the dataset whose test split runs
 * @param test        that test split
 * @param paths       the paths that apply, in order (block-diagonal only with modules)
 * @param skipped     paths asked for that do not apply, with the reason
 * @param plans       plan per layer by "batch/path"
 * @param prepared    a prepared path per "batch/path" (kept only when asked to)
 * @param autoPlans   the auto plan compiled and checked here, per batch (empty when auto is not asked for)
 * @param denseMacs   multiply-adds per sample of the dense network
 * @param sparseMacs  multiply-adds per sample of the surviving weights
 */
public record BenchTarget(Path file, Checkpoint checkpoint, String dataset, Dataset test, List<BenchPath> paths,
        Map<BenchPath, String> skipped, Map<String, String> plans, Map<String, PreparedPath> prepared,
        Map<Integer, SparseModel> autoPlans, long denseMacs, long sparseMacs) {

    static String key(int batch, BenchPath path) {
        return batch + "/" + path.label();
    }

    public String plan(int batch, BenchPath path) {
        return plans.getOrDefault(key(batch, path), "-");
    }

    public PreparedPath prepared(int batch, BenchPath path) {
        return prepared.get(key(batch, path));
    }

    /**
     * Loads and checks a checkpoint for every batch size and path.
     *
     * @param dataset      the dataset whose test split runs; {@code null}: the checkpoint's own
     * @param keepPrepared keep every prepared path (to time in this process) rather than only its plan
     * @throws InvalidInputException naming the file when it is missing, not a checkpoint, not pruned,
     *                               or cannot be compiled
     * @throws OutputCheck.MismatchException when a compiled path's outputs differ from DL4J's
     */
    public static BenchTarget inspect(Path file, String dataset, Path dataDir, List<Integer> batches,
            List<BenchPath> paths, CostModel costs, boolean keepPrepared) {
        return inspect(file, load(file), dataset, dataDir, batches, paths, costs, keepPrepared);
    }

    /**
     * Loads a checkpoint to benchmark: the cheap checks, to run on every file before anything slow.
     *
     * @throws InvalidInputException naming the file when it is missing, not a checkpoint or not pruned
     */
    public static Checkpoint load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("--model " + file + ": no such file");
        }
        byte[] head = new byte[8];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n == head.length && io.crespr.shared.inference.CompiledModelCodec.isCompiledModel(head)) {
                throw new InvalidInputException("--model " + file + ": a compiled model (.cspm); infer-bench times "
                        + "checkpoints, compiling each path itself: give the pruned .ckpt it was compiled from");
            }
        } catch (java.io.IOException e) {
            throw new InvalidInputException("--model " + file + ": cannot read it: " + e.getMessage(), e);
        }
        Checkpoint c = CheckpointCodec.load(file);
        if (c.masks().isEmpty()) {
            throw new InvalidInputException("--model " + file + ": the checkpoint has no masks, so it is not a pruned "
                    + "model (prune it first, e.g. ./crespr prune ... --out DIR, then use DIR/pruned.ckpt)");
        }
        return c;
    }

    /** {@link #inspect(Path, String, Path, List, List, CostModel, boolean)} of a checkpoint {@link #load} gave. */
    public static BenchTarget inspect(Path file, Checkpoint c, String dataset, Path dataDir, List<Integer> batches,
            List<BenchPath> paths, CostModel costs, boolean keepPrepared) {
        String ds = dataset != null ? dataset : TestInputs.datasetOf(c);
        Dataset test;
        try {
            test = TestInputs.testSplit(c, ds, null, dataDir);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--model " + file + ": its test images: " + e.getMessage(), e);
        }
        List<BenchPath> apply = new ArrayList<>();
        Map<BenchPath, String> skipped = new LinkedHashMap<>();
        for (BenchPath p : paths) {
            if (p == BenchPath.BLOCK && c.modules().isEmpty()) {
                skipped.put(p, "the checkpoint has no modules");
            } else {
                apply.add(p);
            }
        }
        Map<String, String> plans = new LinkedHashMap<>();
        Map<String, PreparedPath> kept = new LinkedHashMap<>();
        Map<Integer, SparseModel> autoPlans = new LinkedHashMap<>();
        long dense = -1;
        long sparse = -1;
        for (int b : batches) {
            List<float[]> references = apply.stream().anyMatch(BenchPath::compiled)
                    ? PreparedPath.references(c, b, test) : null;
            for (BenchPath p : apply) {
                PreparedPath pp;
                try {
                    pp = PreparedPath.prepare(c, p, b, costs, test, references);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("--model " + file + ", path " + p.label() + ", batch " + b + ": "
                            + e.getMessage(), e);
                } catch (OutputCheck.MismatchException e) {
                    throw new OutputCheck.MismatchException(file + ": " + e.getMessage());
                }
                if (pp.model() != null) {
                    plans.put(key(b, p), PreparedPath.plan(pp.model()));
                    if (p == BenchPath.AUTO) {
                        autoPlans.put(b, pp.model());
                    }
                    dense = pp.model().denseMacsPerSample();
                    sparse = pp.model().sparseMacsPerSample();
                }
                if (keepPrepared) {
                    kept.put(key(b, p), pp);
                }
            }
        }
        if (dense < 0) {
            // Only dl4j asked for: the counts still come from the compiled model.
            SparseModel m = SparseModel.compile(c, new SparseModel.Options(null, batches.get(0), costs));
            dense = m.denseMacsPerSample();
            sparse = m.sparseMacsPerSample();
        }
        return new BenchTarget(file, c, ds, test, List.copyOf(apply), skipped, plans, kept, autoPlans, dense, sparse);
    }

    /** A row of the table for one measured (batch, path). */
    public BenchRow row(int batch, BenchPath path, double latencyMicros, double errorMicros, double dl4jMicros) {
        return new BenchRow(file.toString(), checkpoint.architecture(), checkpoint.sparsity(), checkpoint.modules().k(),
                dataset, batch, path, path.compiled() ? plan(batch, path) : "-", latencyMicros, errorMicros, denseMacs,
                sparseMacs, dl4jMicros);
    }
}
