package io.crespr.allinone;

import io.crespr.inferencebench.OutputCheck;
import io.crespr.inferencebench.TestInputs;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CompiledModelCodec;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.PlanKind;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.Predictions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a pruned checkpoint through a compiled sparse plan and times it against DL4J's dense forward pass. */
@Command(name = "infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compile a pruned checkpoint (lenet-300-100, mlp:*, lenet-5) into a fast sparse plan, print the plan per layer, "
                + "its test accuracy next to DL4J's, and its latency and throughput next to DL4J's dense forward pass. "
                + "--compile OUT.cspm saves the plan as a compiled model file; --model OUT.cspm runs it without the "
                + "checkpoint and without re-calibrating.")
final class InferCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "a pruned checkpoint (e.g. DIR/pruned.ckpt) or a compiled model file written by --compile")
    Path model;

    @Option(names = "--dataset", description = "dataset whose test split is run (e.g. mnist-mini); required unless --compile")
    String dataset;

    @Option(names = "--compile", paramLabel = "OUT.cspm",
            description = "write the compiled plan of the checkpoint to this file (then run it if --dataset is given)")
    Path compileTo;

    @Option(names = "--batch", defaultValue = "1", description = "samples per forward call (default 1)")
    int batch;

    @Option(names = "--plan", defaultValue = "auto", description = "auto (cost model), dense, csr or block (default auto)")
    String plan;

    @Option(names = "--repeats", defaultValue = "7", description = "timed repeats after the warm-up; the median counts (default 7)")
    int repeats;

    @Option(names = "--seed", description = "seed of the dataset split (default: the checkpoint's)")
    Long seed;

    @Option(names = "--data-dir", description = "where fetch-data put the datasets (default: $CRESPR_DATA_DIR or ~/.crespr/data)")
    Path dataDir;

    @Override
    public Integer call() {
        TestInputs.checkBatch(batch, "batch");
        if (repeats < 1) {
            throw new InvalidInputException("--repeats must be at least 1, got " + repeats);
        }
        PlanKind force = PlanKind.parseOption(plan);
        if (dataset == null && compileTo == null) {
            throw new InvalidInputException("infer needs --dataset (to run the model) or --compile OUT.cspm (to save it)");
        }
        byte[] bytes = CompiledModelCodec.readFile(model);
        if (CompiledModelCodec.isCompiledModel(bytes)) {
            return runCompiled(bytes);
        }
        if (!CompiledModelCodec.isCheckpoint(bytes)) {
            throw new InvalidInputException(model + ": neither a CRESPR checkpoint (magic \"CRESPRCK\") nor a compiled "
                    + "model (magic \"CRESPRCM\"): " + (bytes.length == 0 ? "the file is empty" : "it starts with "
                    + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length))));
        }
        Checkpoint c;
        try {
            c = CheckpointCodec.fromBytes(bytes);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(model + ": " + e.getMessage(), e);
        }
        // The test images first: a wrong dataset fails before a second of calibration and a page of plan.
        Dataset test = dataset == null ? null : TestInputs.testSplit(c, dataset, seed, dataDir);
        if (test != null) {
            int width = Networks.io(Architecture.parse(c.architecture()), c.params()).featureCount();
            if (test.featureCount() != width) {
                throw new InvalidInputException("--dataset " + dataset + " has " + test.featureCount()
                        + " features per sample, the model (" + c.architecture() + ") takes " + width);
            }
        }
        CostModel costs = CostModel.calibrate();
        SparseModel m = SparseModel.compile(c, new SparseModel.Options(force, batch, costs));
        System.out.printf(Locale.ROOT, "%s: %s, sparsity %.4f, modules %d; cost model %s%n", model.getFileName(),
                c.architecture(), c.sparsity(), c.modules().k(), costs);
        System.out.println("plan (" + (force == null ? "auto" : "forced " + force.label()) + ", batch " + batch + "):");
        m.describe().forEach(l -> System.out.println("  " + l));
        if (compileTo != null) {
            CompiledModelCodec.save(m, compileTo);
            System.out.printf(Locale.ROOT, "compiled model written to %s (%d bytes; checkpoint %d bytes, SHA-256 %s)%n",
                    compileTo, sizeOf(compileTo), bytes.length, m.sourceSha256());
            if (dataset == null) {
                return 0;
            }
        }

        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        float[] ours = m.output(test.features(), test.size(), test.featureCount());
        float[] theirs = net.output(Nd4j.create(test.features(), new long[] {test.size(), test.featureCount()}, 'c'),
                false).reshape(-1).toFloatVector();
        double accOurs = Predictions.accuracy(m.predict(test), test.labels());
        double accDl4j = Predictions.accuracy(Predictions.predict(net, test), test.labels());
        System.out.printf(Locale.ROOT, "test accuracy %.4f on %d samples (DL4J dense forward, as the evaluation computes it: %.4f%s); "
                + "largest relative difference of the outputs %.2e%n", accOurs, test.size(), accDl4j,
                accOurs == accDl4j ? ", equal" : ", DIFFERENT", OutputCheck.maxRelative(theirs, ours));

        Timing dl4j = timeDl4j(net, test, batch, repeats);
        Timing fast = timeSparse(m, test, batch, repeats);
        System.out.printf(Locale.ROOT, "batch %d, %d repeats after warm-up (median):%n", batch, repeats);
        System.out.printf(Locale.ROOT, "  DL4J dense forward  %10.1f µs/batch  %12.0f samples/s%n", dl4j.micros(), dl4j.throughput(batch));
        System.out.printf(Locale.ROOT, "  compiled plan       %10.1f µs/batch  %12.0f samples/s%n", fast.micros(), fast.throughput(batch));
        System.out.printf(Locale.ROOT, "  speed-up            %10.1f×%n", dl4j.nanos() / fast.nanos());
        return 0;
    }

    /** Runs a compiled model file: its plan as saved, no checkpoint, no DL4J comparison, no calibration. */
    private int runCompiled(byte[] bytes) {
        if (compileTo != null) {
            throw new InvalidInputException(model + " is already a compiled model; --compile takes a checkpoint");
        }
        if (PlanKind.parseOption(plan) != null) {
            throw new InvalidInputException("--plan " + plan + " applies when compiling a checkpoint; " + model
                    + " is a compiled model whose plan is fixed");
        }
        SparseModel m;
        try {
            m = CompiledModelCodec.fromBytes(bytes);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(model + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "%s: compiled model (format %d, %d bytes) of %s, input width %d, source checkpoint "
                + "SHA-256 %s%n", model.getFileName(), CompiledModelCodec.FORMAT_VERSION, bytes.length, m.architecture(),
                m.inputWidth(), m.sourceSha256());
        System.out.println("plan (as compiled, for batch " + m.batch() + "):");
        m.describe().forEach(l -> System.out.println("  " + l));
        Dataset test = TestInputs.testSplit(seed != null ? seed : m.seed(), dataset, dataDir);
        double acc = Predictions.accuracy(m.predict(test), test.labels());
        System.out.printf(Locale.ROOT, "test accuracy %.4f on %d samples%n", acc, test.size());
        Timing fast = timeSparse(m, test, batch, repeats);
        System.out.printf(Locale.ROOT, "batch %d, %d repeats after warm-up (median):%n", batch, repeats);
        System.out.printf(Locale.ROOT, "  compiled plan       %10.1f µs/batch  %12.0f samples/s%n", fast.micros(), fast.throughput(batch));
        return 0;
    }

    private static long sizeOf(Path p) {
        try {
            return java.nio.file.Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Median nanoseconds per forward call of one batch. */
    record Timing(double nanos) {
        double micros() {
            return nanos / 1e3;
        }

        double throughput(int batch) {
            return batch * 1e9 / nanos;
        }
    }

    static Timing timeDl4j(MultiLayerNetwork net, Dataset test, int batch, int repeats) {
        int d = test.featureCount();
        List<INDArray> xs = TestInputs.batches(test, batch).stream().map(x -> Nd4j.create(x, new long[] {batch, d}, 'c')).toList();
        return time(xs, x -> net.output(x, false), repeats);
    }

    static Timing timeSparse(SparseModel m, Dataset test, int batch, int repeats) {
        int d = test.featureCount();
        return time(TestInputs.batches(test, batch), x -> m.output(x, batch, d), repeats);
    }

    /** Warm-up of at least 300 ms, then {@code repeats} timed runs of at least 50 ms each; the median per call. */
    static <T> Timing time(List<T> inputs, Consumer<T> call, int repeats) {
        return new Timing(io.crespr.shared.inference.CallTimer.medianNanosPerCall(inputs, call, 300_000_000L, 3, repeats,
                50_000_000L));
    }
}
