package io.crespr.shared.hessian;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The calibration inputs of every weight layer of a checkpoint's network: the matrix X whose
 * rows a layer's weights act on, so that the layer's output (before bias and activation) is
 * {@code X · Wᵀ} row by row. Layer-wise pruning (Dong et al. 2017, L-OBS; Frantar and Alistarh
 * 2022, OBC) measures a weight's importance by how much removing it changes {@code X w}.
 *
 * <ul>
 *   <li>a dense layer: X is the layer's input, {@code [n, nIn]} (a dense layer after a
 *       convolution reads the activation flattened channel-major, DL4J's order);</li>
 *   <li>a convolution: X is the im2col patch matrix {@code [n·oh·ow, C·kh·kw]}, one row per
 *       sample and output position, column {@code c·kh·kw + ky·kw + kx} (see {@link #patches}).</li>
 * </ul>
 *
 * <p>Calibration samples are taken from a dataset deterministically: {@link #calibrationSamples}
 * draws {@code n} distinct indices with a seeded generator. The network runs in inference mode
 * ({@code feedForward(x, false)}), float precision, in batches sized to keep each layer's
 * matrix under about 16 million floats, so a convolution's large patch matrices
 * can be reduced batch by batch ({@link #stream}, {@link #grams}) rather than held whole
 * ({@link #collect}).
 *
 * <p>Cost: one inference pass over the calibration samples plus one {@code d × d} float GEMM
 * per layer over all rows. For LeNet-300-100 on 10,000 samples that is well under a second;
 * for LeNet-5 the second convolution alone has 640,000 patch rows of 500 inputs, and the
 * pass takes tens of seconds on two cores — use fewer calibration samples for convolutions.
 */
public final class LayerInputs {

    /** Calibration samples when an option does not say otherwise. */
    public static final int DEFAULT_SAMPLES = 10_000;

    /** Largest matrix (floats) one batch may produce for one layer: 64 MB. */
    static final long BATCH_FLOATS = 16L << 20;

    private final Map<String, INDArray> matrices;
    private final int samples;

    private LayerInputs(Map<String, INDArray> matrices, int samples) {
        this.matrices = Collections.unmodifiableMap(matrices);
        this.samples = samples;
    }

    /** The number of calibration samples (not rows: a convolution has oh·ow rows per sample). */
    public int samples() {
        return samples;
    }

    /** Input matrices by weight parameter name, in the checkpoint's weight order. */
    public Map<String, INDArray> matrices() {
        return matrices;
    }

    /** The input matrix of weight {@code weightName} (float, 'c' order). */
    public INDArray matrix(String weightName) {
        INDArray m = matrices.get(weightName);
        if (m == null) {
            throw new InvalidInputException("no layer input for weight " + weightName + "; known: " + matrices.keySet());
        }
        return m;
    }

    /**
     * {@code n} distinct sample indices out of {@code available}, drawn with
     * {@code new SplittableRandom(seed)} and sorted; all of them, in order, when
     * {@code n >= available}.
     */
    public static int[] calibrationSamples(int available, int n, long seed) {
        if (n < 1) {
            throw new InvalidInputException("calibration must be at least 1 sample, got " + n);
        }
        int[] all = new int[available];
        for (int i = 0; i < available; i++) {
            all[i] = i;
        }
        if (n >= available) {
            return all;
        }
        // Partial Fisher–Yates: the first n slots become a uniform random n-subset.
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int k = i + r.nextInt(available - i);
            int t = all[i];
            all[i] = all[k];
            all[k] = t;
        }
        int[] chosen = Arrays.copyOf(all, n);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * Runs {@code samples} calibration samples of {@code data} through the checkpoint's network
     * and keeps every weight layer's whole input matrix. Memory grows with samples × patch
     * size; for convolutions on many samples prefer {@link #stream} or {@link #grams}.
     *
     * @throws InvalidInputException if the data's width does not fit the network, or the
     *                               network is empty or unsupported
     */
    public static LayerInputs collect(Checkpoint c, Dataset data, int samples, long seed) {
        Map<String, List<INDArray>> parts = new LinkedHashMap<>();
        int used = stream(c, data, samples, seed, (w, x) -> parts.computeIfAbsent(w.name(), k -> new ArrayList<>())
                .add(x));
        Map<String, INDArray> out = new LinkedHashMap<>();
        parts.forEach((name, list) -> out.put(name,
                list.size() == 1 ? list.get(0) : Nd4j.vstack(list.toArray(new INDArray[0]))));
        return new LayerInputs(out, used);
    }

    /**
     * Like {@link #collect} but hands every weight layer's input matrix to {@code sink} batch
     * by batch (rows of consecutive batches concatenate to the whole matrix), so a caller can
     * reduce it without holding it.
     *
     * @return the number of samples used: {@code min(samples, data.size())}
     */
    public static int stream(Checkpoint c, Dataset data, int samples, long seed, BiConsumer<ParamTensor, INDArray> sink) {
        return stream(c, data, samples, seed, BATCH_FLOATS, sink);
    }

    /** {@link #stream} with a given batch budget (largest per-layer matrix of a batch, in floats). */
    static int stream(Checkpoint c, Dataset data, int samples, long seed, long batchFloats,
            BiConsumer<ParamTensor, INDArray> sink) {
        return forEachBatch(c, data, samples, seed, batchFloats, batch -> batch.forEach(b -> sink.accept(b.weight(),
                b.matrix())));
    }

    /**
     * The Gram matrix {@code XᵀX} of one layer's input matrix X, summed in double.
     *
     * @param dim  the number of columns of X (the layer's inputs)
     * @param rows the number of rows of X
     * @param sum  {@code XᵀX}, row-major {@code dim × dim}
     */
    public record Gram(int dim, long rows, double[] sum) {
    }

    /**
     * {@code XᵀX} of every weight layer's input matrix on {@code samples} calibration samples,
     * by weight name: a float GEMM per batch, summed in double. For a convolution it never
     * builds the patch matrix: row order does not matter to XᵀX, so it sums
     * {@code P_b P_bᵀ} over samples b, {@code P_b = [C·kh·kw, oh·ow]} being im2col's own layout
     * (no 6-D transpose copy).
     */
    public static Map<String, Gram> grams(Checkpoint c, Dataset data, int samples, long seed) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, long[]> rows = new LinkedHashMap<>();
        forEachBatch(c, data, samples, seed, BATCH_FLOATS, batch -> {
            for (LayerBatch b : batch) {
                INDArray g = b.gram();
                int d = (int) g.size(0);
                double[] acc = sums.computeIfAbsent(b.weight().name(), k -> new double[d * d]);
                float[] v = Nd4j.toFlattened('c', g).toFloatVector();
                for (int i = 0; i < v.length; i++) {
                    acc[i] += v[i];
                }
                rows.computeIfAbsent(b.weight().name(), k -> new long[1])[0] += b.rowCount();
            }
        });
        Map<String, Gram> out = new LinkedHashMap<>();
        sums.forEach((name, sum) -> out.put(name, new Gram((int) Math.round(Math.sqrt(sum.length)),
                rows.get(name)[0], sum)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * One batch's input of one weight layer: a dense layer's rows, or a convolution's raw im2col
     * columns {@code [B, C, kh, kw, oh, ow]} ('c' order), turned into rows only on demand.
     */
    private record LayerBatch(ParamTensor weight, INDArray rows, INDArray columns) {

        INDArray matrix() {
            return rows != null ? rows : patchesOf(columns);
        }

        long rowCount() {
            return rows != null ? rows.size(0) : columns.size(0) * columns.size(4) * columns.size(5);
        }

        long floats() {
            return rows != null ? rows.length() : columns.length();
        }

        /** {@code XᵀX} of this batch, float {@code [d, d]}. */
        INDArray gram() {
            if (rows != null) {
                return Nd4j.gemm(rows, rows, true, false);
            }
            long b = columns.size(0);
            long k = columns.size(1) * columns.size(2) * columns.size(3);
            long p = columns.size(4) * columns.size(5);
            INDArray perSample = columns.reshape('c', b, k, p);
            INDArray g = Nd4j.zeros(DataType.FLOAT, k, k);
            for (long i = 0; i < b; i++) {
                INDArray pb = perSample.slice(i);
                Nd4j.gemm(pb, pb, g, false, true, 1.0, 1.0);
            }
            return g;
        }
    }

    private static int forEachBatch(Checkpoint c, Dataset data, int samples, long seed, long batchFloats,
            Consumer<List<LayerBatch>> sink) {
        Architecture arch = Architecture.parse(c.architecture());
        Networks.Io io = Networks.io(arch, c.params());
        if (data.featureCount() != io.featureCount()) {
            throw new InvalidInputException("calibration data " + data.name() + " has " + data.featureCount()
                    + " features per sample, the network " + arch.spec() + " takes " + io.featureCount());
        }
        if (data.size() == 0) {
            throw new InvalidInputException("calibration data " + data.name() + " has no samples");
        }
        List<ParamTensor> weights = c.weights();
        if (weights.isEmpty()) {
            throw new InvalidInputException("checkpoint " + c.id() + " has no weight arrays");
        }
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        int[] idx = calibrationSamples(data.size(), samples, seed);
        // One sample first: tells how many floats each layer's input takes per sample.
        long perSample = 1;
        for (LayerBatch b : layerBatches(net, weights, io, batch(data, idx, 0, 1))) {
            perSample = Math.max(perSample, b.floats());
        }
        int batch = (int) Math.max(1, Math.min(idx.length, batchFloats / perSample));
        for (int from = 0; from < idx.length; from += batch) {
            int to = Math.min(idx.length, from + batch);
            sink.accept(layerBatches(net, weights, io, batch(data, idx, from, to)));
        }
        return idx.length;
    }

    private static INDArray batch(Dataset data, int[] idx, int from, int to) {
        int d = data.featureCount();
        float[] f = new float[(to - from) * d];
        for (int i = from; i < to; i++) {
            System.arraycopy(data.features(), idx[i] * d, f, (i - from) * d, d);
        }
        return Nd4j.create(f, new long[] {to - from, d}, 'c');
    }

    private static List<LayerBatch> layerBatches(MultiLayerNetwork net, List<ParamTensor> weights, Networks.Io io,
            INDArray x) {
        // Element i of feedForward is layer i's input before its preprocessor.
        List<INDArray> acts = net.feedForward(x, false);
        long b = x.size(0);
        List<LayerBatch> out = new ArrayList<>();
        for (ParamTensor w : weights) {
            int l = w.layerIndex();
            INDArray in = acts.get(l);
            WeightLayout layout = WeightLayout.of(w);
            if (layout.conv()) {
                ConvolutionLayer conf = (ConvolutionLayer) net.getLayer(l).conf().getLayer();
                int channels = (int) w.shape()[1];
                if (in.rank() == 2) {
                    // Flat input: the network's own image shape for layer 0, else square maps.
                    boolean image = l == 0 && io.inputShape().length == 3;
                    long h = image ? io.inputShape()[1] : Math.round(Math.sqrt(in.size(1) / (double) channels));
                    long wd = image ? io.inputShape()[2] : h;
                    if ((long) channels * h * wd != in.size(1)) {
                        throw new InvalidInputException(w.name() + ": layer " + l + " receives " + in.size(1)
                                + " values per sample, not " + channels + " square channels");
                    }
                    in = in.reshape('c', b, channels, h, wd);
                }
                out.add(new LayerBatch(w, null, columns(in, conf)));
            } else {
                INDArray m = in.rank() == 2 ? in : in.reshape('c', b, in.length() / b);
                if (m.size(1) != layout.inputs()) {
                    throw new InvalidInputException(w.name() + " takes " + layout.inputs() + " inputs, layer " + l
                            + " receives " + m.size(1));
                }
                // feedForward's activations are detached copies: reuse them unless a copy is needed.
                if (m.dataType() != DataType.FLOAT) {
                    m = m.castTo(DataType.FLOAT);
                }
                if (m.ordering() != 'c' || m.isView()) {
                    m = m.dup('c');
                }
                out.add(new LayerBatch(w, m, null));
            }
        }
        return out;
    }

    /** im2col of a conv layer's input with the layer's own geometry: {@code [B, C, kh, kw, oh, ow]}, 'c'. */
    private static INDArray columns(INDArray in, ConvolutionLayer conf) {
        ConvolutionMode mode = conf.getConvolutionMode();
        if (mode == ConvolutionMode.Causal) {
            throw new InvalidInputException("causal convolutions are not supported for layer inputs");
        }
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        return columns(in, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], mode == ConvolutionMode.Same);
    }

    private static INDArray columns(INDArray in, int kh, int kw, int sy, int sx, int ph, int pw, int dh, int dw,
            boolean sameMode) {
        if (in.rank() != 4) {
            throw new InvalidInputException("patches need an NCHW input of rank 4, got shape "
                    + Arrays.toString(in.shape()));
        }
        INDArray col = Convolution.im2col(in.castTo(DataType.FLOAT), kh, kw, sy, sx, ph, pw, dh, dw, sameMode);
        return col.ordering() == 'c' && !col.isView() ? col : col.dup('c');
    }

    /** Rows from im2col's {@code [B, C, kh, kw, oh, ow]}: moving (oh, ow) next to B makes rows positions. */
    private static INDArray patchesOf(INDArray col) {
        long rows = col.size(0) * col.size(4) * col.size(5);
        long cols = col.size(1) * col.size(2) * col.size(3);
        return col.permute(0, 4, 5, 1, 2, 3).dup('c').reshape('c', rows, cols);
    }

    /**
     * The im2col patch matrix of an NCHW input {@code [B, C, h, w]}: {@code [B·oh·ow, C·kh·kw]},
     * row {@code (b·oh + y)·ow + x} holding the receptive field of output position (y, x) of
     * sample b, column {@code c·kh·kw + ky·kw + kx}. Multiplying by a conv weight
     * {@code [nOut, C, kh, kw]} reshaped 'c' to {@code [nOut, C·kh·kw]}, transposed, gives the
     * convolution's output with channels last.
     */
    public static INDArray patches(INDArray in, int kh, int kw, int sy, int sx, int ph, int pw, int dh, int dw,
            boolean sameMode) {
        return patchesOf(columns(in, kh, kw, sy, sx, ph, pw, dh, dw, sameMode));
    }
}
