package io.crespr.allinone;

import io.crespr.inferencebench.BenchPath;
import io.crespr.inferencebench.BenchRow;
import io.crespr.inferencebench.BenchTable;
import io.crespr.inferencebench.InferenceBenchRunner;
import io.crespr.inferencebench.QuickHarness;
import io.crespr.shared.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Latency and throughput of DL4J's dense forward pass and of each compiled plan, at several batch sizes, under JMH. */
@Command(name = "infer-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark DL4J's dense forward pass and the compiled dense, CSR, block-diagonal and auto plans of "
                + "pruned checkpoints at several batch sizes on test images, with JMH (forked JVMs, warm-up and measurement "
                + "iterations, one thread); print latency ± error, samples/s, the speed-up over DL4J, the FLOP limit "
                + "(dense / surviving multiply-adds) and the share of it reached, and write them as CSV. Every compiled "
                + "path's outputs are checked against DL4J's before anything is timed.")
final class InferBenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, split = ",", paramLabel = "FILE.ckpt",
            description = "pruned checkpoints (repeatable, or comma-separated)")
    List<Path> models;

    @Option(names = "--dataset", description = "dataset whose test split feeds the calls (default: each checkpoint's own)")
    String dataset;

    @Option(names = "--batches", defaultValue = "1,32,256", split = ",", description = "batch sizes (default 1,32,256)")
    List<Integer> batches;

    @Option(names = "--paths", defaultValue = "dl4j,dense,csr,block,auto", split = ",",
            description = "what to time: dl4j, dense, csr, block, auto (default all five; block only where the "
                    + "checkpoint has modules)")
    List<String> paths;

    @Option(names = "--forks", defaultValue = "" + InferenceBenchRunner.Settings.DEFAULT_FORKS,
            description = "JVMs per (checkpoint, batch, path) (default ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--warmup", defaultValue = "" + InferenceBenchRunner.Settings.DEFAULT_WARMUP_ITERATIONS,
            description = "warm-up iterations per fork (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-time", defaultValue = "" + InferenceBenchRunner.Settings.DEFAULT_WARMUP_SECONDS,
            paramLabel = "SECONDS", description = "seconds per warm-up iteration (default ${DEFAULT-VALUE})")
    double warmupTime;

    @Option(names = "--iterations", defaultValue = "" + InferenceBenchRunner.Settings.DEFAULT_ITERATIONS,
            description = "measurement iterations per fork (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--iteration-time", defaultValue = "" + InferenceBenchRunner.Settings.DEFAULT_ITERATION_SECONDS,
            paramLabel = "SECONDS", description = "seconds per measurement iteration (default ${DEFAULT-VALUE})")
    double iterationTime;

    @Option(names = "--csv", defaultValue = "infer-bench.csv", description = "CSV file to write (default infer-bench.csv)")
    Path csv;

    @Option(names = "--jmh-log", paramLabel = "FILE",
            description = "where JMH's own output goes (default: the CSV's name with .jmh.log)")
    Path jmhLog;

    @Option(names = "--verbose", description = "print JMH's own output here instead of one line per benchmark")
    boolean verbose;

    @Option(names = "--quick", description = "no JMH: time in this JVM, 300 ms warm-up and the median of --repeats "
            + "short runs per row (seconds instead of minutes; no error bars)")
    boolean quick;

    @Option(names = "--repeats", defaultValue = "7", description = "with --quick: timed runs, the median counts (default 7)")
    int repeats;

    @Option(names = "--data-dir", description = "where fetch-data put the datasets (default: $CRESPR_DATA_DIR or ~/.crespr/data)")
    Path dataDir;

    @Override
    public Integer call() {
        List<BenchPath> kinds = BenchPath.parseAll(paths);
        // Batch sizes, forks and the rest are checked where both harnesses build their settings.
        List<BenchRow> rows;
        if (quick) {
            rows = QuickHarness.run(models, batches, kinds, dataset, dataDir, repeats, System.out);
        } else {
            Path log = verbose ? null : jmhLog != null ? jmhLog : defaultLog(csv);
            rows = InferenceBenchRunner.run(new InferenceBenchRunner.Settings(models, batches, kinds, dataset, dataDir,
                    forks, warmup, warmupTime, iterations, iterationTime, log), System.out);
        }
        System.out.println();
        BenchTable.print(rows, System.out);
        BenchTable.writeCsv(rows, csv);
        System.out.println("wrote " + csv);
        return 0;
    }

    private static Path defaultLog(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".jmh.log");
    }
}
