package io.crespr.inferencebench;

import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One path of one checkpoint at one batch size, ready to be timed: its input batches (distinct
 * test images), the DL4J network or the compiled model, and — for a compiled path — the proof that
 * it computes what DL4J computes on every one of those batches.
 */
public final class PreparedPath {

    private final BenchPath path;
    private final int batch;
    private final int width;
    private final MultiLayerNetwork net;
    private final INDArray[] dl4jInputs;
    private final SparseModel model;
    private final float[][] inputs;

    private PreparedPath(BenchPath path, int batch, int width, MultiLayerNetwork net, INDArray[] dl4jInputs,
            SparseModel model, float[][] inputs) {
        this.path = path;
        this.batch = batch;
        this.width = width;
        this.net = net;
        this.dl4jInputs = dl4jInputs;
        this.model = model;
        this.inputs = inputs;
    }

    /**
     * Builds the path and, for a compiled one, checks its outputs against DL4J's on every input batch.
     *
     * @param costs the cost model the compiled plan is chosen with (matters for {@link BenchPath#AUTO} only)
     * @throws io.crespr.shared.InvalidInputException   if the checkpoint cannot be compiled for this path
     * @throws OutputCheck.MismatchException if the compiled path's outputs differ from DL4J's
     */
    public static PreparedPath prepare(Checkpoint c, BenchPath path, int batch, CostModel costs, Dataset test) {
        return prepare(c, path, batch, costs, test, null);
    }

    /**
     * As {@link #prepare(Checkpoint, BenchPath, int, CostModel, Dataset)}, with DL4J's outputs on
     * {@link TestInputs#batches} given (from {@link #references}) rather than computed here.
     */
    public static PreparedPath prepare(Checkpoint c, BenchPath path, int batch, CostModel costs, Dataset test,
            List<float[]> dl4jOutputs) {
        return prepare(c, path, batch, costs, test, dl4jOutputs, null);
    }

    /**
     * As {@link #prepare(Checkpoint, BenchPath, int, CostModel, Dataset, List)}, running {@code compiled}
     * (a plan compiled elsewhere, e.g. read from a compiled model file) when it is not null; its
     * outputs are checked against DL4J's all the same.
     */
    public static PreparedPath prepare(Checkpoint c, BenchPath path, int batch, CostModel costs, Dataset test,
            List<float[]> dl4jOutputs, SparseModel compiled) {
        int d = test.featureCount();
        List<float[]> batches = TestInputs.batches(test, batch);
        if (!path.compiled()) {
            MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
            INDArray[] xs = batches.stream().map(x -> Nd4j.create(x, new long[] {batch, d}, 'c')).toArray(INDArray[]::new);
            return new PreparedPath(path, batch, d, net, xs, null, batches.toArray(float[][]::new));
        }
        SparseModel m = compiled != null ? compiled : SparseModel.compile(c, new SparseModel.Options(path.force(), batch, costs));
        List<float[]> expected = dl4jOutputs != null ? dl4jOutputs : references(c, batch, test);
        List<float[]> actual = batches.stream().map(x -> m.output(x, batch, d)).toList();
        OutputCheck.verifyAll(expected, actual, OutputCheck.TOLERANCE, path.label() + " (" + plan(m) + ") at batch " + batch);
        return new PreparedPath(path, batch, d, null, null, m, batches.toArray(float[][]::new));
    }

    /** DL4J's outputs on every input batch of {@link TestInputs#batches}, flattened. */
    public static List<float[]> references(Checkpoint c, int batch, Dataset test) {
        Function<float[], float[]> dl4j = dl4j(Networks.fromCheckpoint(c, null, 0), batch, test.featureCount());
        return TestInputs.batches(test, batch).stream().map(dl4j).toList();
    }

    /** DL4J's dense forward pass of {@code batch} samples of width {@code d}, flattened. */
    public static Function<float[], float[]> dl4j(MultiLayerNetwork net, int batch, int d) {
        return x -> net.output(Nd4j.create(x, new long[] {batch, d}, 'c'), false).reshape(-1).toFloatVector();
    }

    /** The plan per layer, e.g. {@code csr/csr/dense}. */
    public static String plan(SparseModel m) {
        return m.layers().stream().map(l -> l.kind().label()).collect(Collectors.joining("/"));
    }

    /** Input batches prepared; {@link #run} takes an index below this. */
    public int size() {
        return inputs.length;
    }

    /** One forward call of input batch {@code i}; the result must be consumed. */
    public Object run(int i) {
        return model != null ? model.output(inputs[i], batch, width) : net.output(dl4jInputs[i], false);
    }

    public BenchPath path() {
        return path;
    }

    /** The compiled model, {@code null} for {@link BenchPath#DL4J}. */
    public SparseModel model() {
        return model;
    }
}
