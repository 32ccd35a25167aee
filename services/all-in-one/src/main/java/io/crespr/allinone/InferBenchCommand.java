package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.PlanKind;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Networks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Latency and throughput of DL4J's dense forward pass and of each compiled plan, at several batch sizes. */
@Command(name = "infer-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time DL4J's dense forward pass, the compiled dense, CSR, block-diagonal and auto plans of a pruned "
                + "checkpoint at several batch sizes on a dataset's test split; print a table and write it as CSV.")
final class InferBenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE.ckpt", description = "a pruned checkpoint")
    Path model;

    @Option(names = "--dataset", defaultValue = "mnist-mini", description = "dataset whose test split feeds the runs (default mnist-mini)")
    String dataset;

    @Option(names = "--batches", defaultValue = "1,32,256", split = ",", description = "batch sizes (default 1,32,256)")
    List<Integer> batches;

    @Option(names = "--repeats", defaultValue = "7", description = "timed repeats after the warm-up; the median counts (default 7)")
    int repeats;

    @Option(names = "--csv", defaultValue = "infer-bench.csv", description = "CSV file to write (default infer-bench.csv)")
    Path csv;

    @Option(names = "--data-dir", description = "where fetch-data put the datasets (default: $CRESPR_DATA_DIR or ~/.crespr/data)")
    Path dataDir;

    @Override
    public Integer call() {
        for (int b : batches) {
            if (b < 1) {
                throw new InvalidInputException("--batches must be at least 1 each, got " + b);
            }
        }
        if (repeats < 1) {
            throw new InvalidInputException("--repeats must be at least 1, got " + repeats);
        }
        Checkpoint c = CheckpointCodec.load(model);
        Dataset test = InferCommand.testSplit(c, dataset, null, dataDir);
        CostModel costs = CostModel.calibrate();
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        System.out.printf(Locale.ROOT, "%s: %s, sparsity %.4f, modules %d; cost model %s%n", model.getFileName(),
                c.architecture(), c.sparsity(), c.modules().k(), costs);
        List<String> rows = new ArrayList<>();
        rows.add("batch,path,plan,latency_us,throughput_per_s,speedup_vs_dl4j");
        System.out.printf(Locale.ROOT, "%6s  %-15s %-46s %12s %14s %9s%n", "batch", "path", "plan per layer", "latency µs",
                "samples/s", "speed-up");
        for (int b : batches) {
            InferCommand.Timing base = InferCommand.timeDl4j(net, test, b, repeats);
            row(rows, b, "dl4j-dense", "-", base, base);
            List<PlanKind> kinds = new ArrayList<>(List.of(PlanKind.DENSE, PlanKind.CSR));
            if (!c.modules().isEmpty()) {
                kinds.add(PlanKind.BLOCK);
            }
            kinds.add(null);
            for (PlanKind k : kinds) {
                SparseModel m = SparseModel.compile(c, new SparseModel.Options(k, b, costs));
                String plan = m.layers().stream().map(l -> l.kind().label()).collect(Collectors.joining("/"));
                row(rows, b, k == null ? "auto" : k.label(), plan, InferCommand.timeSparse(m, test, b, repeats), base);
            }
        }
        try {
            if (csv.toAbsolutePath().getParent() != null) {
                Files.createDirectories(csv.toAbsolutePath().getParent());
            }
            Files.writeString(csv, String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + csv);
        return 0;
    }

    private static void row(List<String> rows, int batch, String path, String plan, InferCommand.Timing t,
            InferCommand.Timing base) {
        double speedup = base.nanos() / t.nanos();
        System.out.printf(Locale.ROOT, "%6d  %-15s %-46s %12.1f %14.0f %8.1f×%n", batch, path, plan, t.micros(),
                t.throughput(batch), speedup);
        rows.add(String.format(Locale.ROOT, "%d,%s,%s,%.3f,%.1f,%.3f", batch, path, plan, t.micros(), t.throughput(batch),
                speedup));
    }
}
