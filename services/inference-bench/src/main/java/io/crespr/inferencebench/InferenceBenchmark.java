package io.crespr.inferencebench;

import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One forward call of {@code batch} test images through one path of a pruned checkpoint, timed by
 * JMH (average time per call). Each call takes the next of up to 64 prepared batches of distinct
 * test images. Before anything is timed, the trial's setup checks that a compiled path's outputs
 * equal DL4J's (see {@link PreparedPath#prepare}); a mismatch fails the trial.
 * {@link InferenceBenchRunner} sets the parameters; run alone, every parameter but {@code model}
 * has a usable default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmark {

    /** System property with the number of ND4J/BLAS threads a fork uses (the runner sets it; default 1). */
    public static final String THREADS_PROPERTY = "crespr.bench.threads";

    /** The pruned checkpoint file. */
    @Param("")
    public String model;

    /** Samples per forward call. */
    @Param("1")
    public int batch;

    /** dl4j, dense, csr, block or auto (see {@link BenchPath}). */
    @Param("auto")
    public String path;

    /** Dataset whose test split feeds the calls; empty: the checkpoint's own. */
    @Param("")
    public String dataset;

    /** Where fetched datasets live; empty: $CRESPR_DATA_DIR or ~/.crespr/data. */
    @Param("")
    public String dataDir;

    /**
     * The cost model ({@link CostModels#encode}) for the estimates a forced plan records, and for
     * {@code auto} when {@link #plans} is empty; empty: calibrate in this fork.
     */
    @Param("")
    public String costs;

    /**
     * A directory holding the auto plan of each batch as {@code auto-b<batch>.cspm}, compiled once by
     * the runner, so every fork runs the same plan; empty: compile the auto plan in this fork.
     */
    @Param("")
    public String plans;

    /**
     * A file this fork appends "batch TAB path TAB plan" to once set up (the auto plan is chosen by
     * timing candidate kernels, so forks may differ; the runner reports what each ran); empty: none.
     */
    @Param("")
    public String planLog;

    private PreparedPath prepared;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        int threads = Integer.getInteger(THREADS_PROPERTY, 1);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        Checkpoint c = CheckpointCodec.load(Path.of(model));
        Dataset test = TestInputs.testSplit(c, dataset.isEmpty() ? null : dataset, null,
                dataDir.isEmpty() ? null : Path.of(dataDir));
        CostModel cm = costs.isEmpty() ? CostModel.calibrate() : CostModels.decode(costs);
        BenchPath p = BenchPath.parse(path);
        io.crespr.shared.inference.SparseModel compiled = p == BenchPath.AUTO && !plans.isEmpty()
                ? io.crespr.shared.inference.CompiledModelCodec.load(Path.of(plans, autoPlanFile(batch))) : null;
        prepared = PreparedPath.prepare(c, p, batch, cm, test, null, compiled);
        next = 0;
        String plan = prepared.model() == null ? "-" : PreparedPath.plan(prepared.model());
        if (!planLog.isEmpty()) {
            try {
                Files.writeString(Path.of(planLog), batch + "\t" + path + "\t" + plan + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + planLog + ": " + e.getMessage(), e);
            }
        }
        System.out.printf(Locale.ROOT, "# fork ready %.1f s after its start: %s, batch %d, %s%s, %d input batches%s; ND4J "
                + "threads %d, BLAS threads %d, OMP_NUM_THREADS=%s, Vector API %s%n",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1e3, Path.of(model).getFileName(), batch, path,
                prepared.model() == null ? "" : " (" + plan + ")", prepared.size(),
                prepared.model() == null ? "" : " checked against DL4J", Nd4j.getEnvironment().maxThreads(),
                Nd4j.factory().blas().getMaxThreads(), System.getenv("OMP_NUM_THREADS"),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off");
    }

    /** The file name of the auto plan of {@code batch} in {@link #plans}. */
    static String autoPlanFile(int batch) {
        return "auto-b" + batch + ".cspm";
    }

    @Benchmark
    public void forward(Blackhole bh) {
        int i = next;
        next = i + 1 == prepared.size() ? 0 : i + 1;
        bh.consume(prepared.run(i));
    }
}
