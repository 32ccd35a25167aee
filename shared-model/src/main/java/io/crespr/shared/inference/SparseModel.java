package io.crespr.shared.inference;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ParamTensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pruned fully connected network ({@code lenet-300-100}, {@code mlp:*}) compiled into an
 * execution plan: per layer a {@link PlanKind} chosen by a {@link CostModel} (or forced), the
 * layer's biases and its activation (ReLU on hidden layers, softmax on the output, as
 * {@link io.crespr.shared.model.Networks} builds them). Its outputs equal DL4J's dense forward
 * pass of the same checkpoint up to float rounding. Samples run in tiles of {@link #TILE};
 * a model is immutable and may be shared between threads.
 */
public final class SparseModel {

    /** Samples per tile: a tile's activations of the widest layer stay in cache. */
    public static final int TILE = 64;

    /**
     * How to compile.
     *
     * @param force  the kind every layer must use; {@code null} lets the cost model choose
     * @param batch  the batch size the plan is chosen for (the estimates use {@code min(batch, TILE)})
     * @param costs  per-weight costs; {@link CostModel#calibrate()} measures them on this machine
     */
    public record Options(PlanKind force, int batch, CostModel costs) {
        public Options {
            if (batch < 1) {
                throw new InvalidInputException("batch must be at least 1, got " + batch);
            }
        }
    }

    /**
     * One compiled layer.
     *
     * @param index     the DL4J layer index
     * @param in        input width
     * @param out       output width
     * @param nnz       surviving weights
     * @param kind      the kernel that runs
     * @param estimates estimated nanoseconds per sample of each kernel offered
     * @param reason    why this kind, in words
     */
    public record Layer(int index, int in, int out, int nnz, PlanKind kind, Map<PlanKind, Double> estimates,
            String reason, boolean softmax, float[] bias, Kernels.Kernel kernel) {

        public String describe() {
            return String.format(Locale.ROOT, "layer %d %dx%d (%d nnz, %.2f%% dense) %s [%s]: %s", index, in, out,
                    nnz, 100.0 * nnz / ((double) in * out), kind.label(), kernel.shape(), reason);
        }
    }

    private final String architecture;
    private final List<Layer> layers;
    private final int inputWidth;
    private final int maxWidth;
    private final String sourceSha256;
    private final long seed;
    private final int batch;

    SparseModel(String architecture, List<Layer> layers, String sourceSha256, long seed, int batch) {
        this.architecture = architecture;
        this.layers = List.copyOf(layers);
        this.sourceSha256 = sourceSha256;
        this.seed = seed;
        this.batch = batch;
        this.inputWidth = layers.get(0).in();
        int m = 0;
        for (Layer l : layers) {
            m = Math.max(m, Math.max(l.in(), l.out()));
        }
        this.maxWidth = m;
    }

    /**
     * Compiles a pruned checkpoint.
     *
     * @throws InvalidInputException if the checkpoint has no masks, is convolutional, or block-diagonal
     *                               is forced on a checkpoint without a module map that fits its layers
     */
    public static SparseModel compile(Checkpoint c, Options options) {
        Architecture arch = Architecture.parse(c.architecture());
        if (arch.kind() != Architecture.Kind.MLP) {
            ParamTensor first = c.weights().get(0);
            throw new InvalidInputException("layer " + first.layerIndex() + " of " + arch.spec() + " is a convolution ("
                    + describe(first)
                    + "): fast inference compiles fully connected networks only (lenet-300-100, mlp:*) for now");
        }
        if (c.masks().isEmpty()) {
            throw new InvalidInputException("checkpoint " + c.id() + " has no masks: it is not a pruned model "
                    + "(prune it first, e.g. ./crespr prune ... --out DIR, then use DIR/pruned.ckpt)");
        }
        List<ParamTensor> weights = c.weights();
        int n = weights.size();
        ModuleMap modules = c.modules();
        String moduleProblem = moduleProblem(modules, weights);
        if (options.force() == PlanKind.BLOCK && moduleProblem != null) {
            throw new InvalidInputException("plan block-diagonal needs the checkpoint's module map, but " + moduleProblem
                    + "; use --plan auto, dense or csr");
        }
        int tb = Math.min(options.batch(), TILE);
        CostModel cost = options.costs();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            ParamTensor w = weights.get(l);
            int idx = w.layerIndex();
            if (w.shape().length != 2) {
                throw new InvalidInputException("parameter " + w.name() + " has shape " + java.util.Arrays.toString(w.shape())
                        + ": fast inference compiles fully connected layers only");
            }
            int in = (int) w.shape()[0];
            int out = (int) w.shape()[1];
            if (l > 0 && in != layers.get(l - 1).out()) {
                throw new InvalidInputException("parameter " + w.name() + " takes " + in + " inputs, the layer before gives "
                        + layers.get(l - 1).out());
            }
            float[] bias = c.param(idx + "_b").values().clone();
            if (bias.length != out) {
                throw new InvalidInputException("bias " + idx + "_b has " + bias.length + " values, layer " + idx + " has "
                        + out + " units");
            }
            float[] v = w.values();
            int nnz = 0;
            for (float f : v) {
                nnz += f != 0f ? 1 : 0;
            }
            Map<PlanKind, Kernels.Kernel> kernels = new EnumMap<>(PlanKind.class);
            Map<PlanKind, Double> est = new EnumMap<>(PlanKind.class);
            kernels.put(PlanKind.DENSE, Kernels.Dense.of(in, out, v));
            est.put(PlanKind.DENSE, cost.dense((long) in * out, tb) / tb);
            Kernels.Csr csr = Kernels.Csr.of(in, out, v, (i, o) -> true);
            kernels.put(PlanKind.CSR, csr);
            est.put(PlanKind.CSR, cost.csr(csr.storedWeights(), tb) / tb);
            if (moduleProblem == null) {
                Kernels.Block block = block(in, out, v, modules.k(), modules.assignments().get(l),
                        modules.assignments().get(l + 1));
                kernels.put(PlanKind.BLOCK, block);
                est.put(PlanKind.BLOCK, (cost.dense(block.blockWeights(), tb) + cost.csr(block.rest.storedWeights(), tb)) / tb);
            }
            PlanKind kind;
            String reason;
            String estimates = estimates(est);
            if (options.force() != null) {
                kind = options.force();
                reason = "forced; estimates " + estimates;
            } else {
                kind = est.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                reason = "cheapest at batch " + options.batch() + ": " + estimates
                        + (moduleProblem != null ? "; block-diagonal not offered: " + moduleProblem : "");
            }
            layers.add(new Layer(idx, in, out, nnz, kind, est, reason, l == n - 1, bias, kernels.get(kind)));
        }
        return new SparseModel(arch.spec(), layers, io.crespr.shared.model.CheckpointCodec.contentHash(c),
                c.provenance() == null ? 0L : c.provenance().seed(), options.batch());
    }

    private static String describe(ParamTensor p) {
        return p.name() + " " + java.util.Arrays.toString(p.shape());
    }

    private static String estimates(Map<PlanKind, Double> est) {
        StringBuilder sb = new StringBuilder();
        est.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ')
                .append(String.format(Locale.ROOT, "%.1f", v)).append(" ns/sample"));
        return sb.toString();
    }

    /** Why the module map cannot drive block-diagonal layers, or null when it can. */
    private static String moduleProblem(ModuleMap m, List<ParamTensor> weights) {
        if (m.isEmpty()) {
            return "the checkpoint has no modules (a method without modules, such as gmp, made it)";
        }
        if (m.assignments().size() != weights.size() + 1) {
            return "its module map has " + m.assignments().size() + " node layers, the network " + (weights.size() + 1);
        }
        for (int l = 0; l <= weights.size(); l++) {
            long width = l < weights.size() ? weights.get(l).shape()[0] : weights.get(l - 1).shape()[1];
            if (m.assignments().get(l).length != width) {
                return "its module map gives " + m.assignments().get(l).length + " nodes in node layer " + l
                        + ", the network has " + width;
            }
        }
        return null;
    }

    /**
     * Block {@code m}: the inputs of module {@code m} (or shared, -1) and the outputs of module
     * {@code m} that have a surviving weight between them; every other survivor goes to the CSR rest.
     */
    static Kernels.Block block(int in, int out, float[] w, int k, int[] inMod, int[] outMod) {
        int[][] rows = new int[k][];
        int[][] cols = new int[k][];
        float[][] wt = new float[k][];
        for (int m = 0; m < k; m++) {
            boolean[] rowUsed = new boolean[in];
            boolean[] colUsed = new boolean[out];
            for (int i = 0; i < in; i++) {
                if (inMod[i] != m && inMod[i] != -1) {
                    continue;
                }
                for (int o = 0; o < out; o++) {
                    if (outMod[o] == m && w[i * out + o] != 0f) {
                        rowUsed[i] = true;
                        colUsed[o] = true;
                    }
                }
            }
            rows[m] = indices(rowUsed);
            cols[m] = indices(colUsed);
            int nr = rows[m].length;
            wt[m] = new float[nr * cols[m].length];
            for (int j = 0; j < cols[m].length; j++) {
                for (int r = 0; r < nr; r++) {
                    wt[m][j * nr + r] = w[rows[m][r] * out + cols[m][j]];
                }
            }
        }
        Kernels.Csr rest = Kernels.Csr.of(in, out, w,
                (i, o) -> !(outMod[o] >= 0 && (inMod[i] == outMod[o] || inMod[i] == -1)));
        return new Kernels.Block(rows, cols, wt, rest);
    }

    private static int[] indices(boolean[] used) {
        int c = 0;
        for (boolean b : used) {
            c += b ? 1 : 0;
        }
        int[] r = new int[c];
        c = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                r[c++] = i;
            }
        }
        return r;
    }

    public List<Layer> layers() {
        return layers;
    }

    public String architecture() {
        return architecture;
    }

    /** The lower-case hex SHA-256 of the source checkpoint's encoding (what {@code sha256sum} prints for its file). */
    public String sourceSha256() {
        return sourceSha256;
    }

    /** The source checkpoint's seed (its provenance's; 0 without one), which selects its test split. */
    public long seed() {
        return seed;
    }

    /** The batch size the plan was chosen for. */
    public int batch() {
        return batch;
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int numClasses() {
        return layers.get(layers.size() - 1).out();
    }

    /** Multiply-adds per sample of the dense network: every weight, zeros included, times the positions it slides over. */
    public long denseMacsPerSample() {
        long s = 0;
        for (Layer l : layers) {
            s += (long) l.in() * l.out();
        }
        return s;
    }

    /** Multiply-adds per sample that the surviving weights need: the least any kernel must do. */
    public long sparseMacsPerSample() {
        long s = 0;
        for (Layer l : layers) {
            s += l.nnz();
        }
        return s;
    }

    /** The plan, one line per layer. */
    public List<String> describe() {
        return layers.stream().map(Layer::describe).toList();
    }

    /**
     * Class probabilities of {@code batch} samples of {@code width} features each, row-major,
     * as {@code batch × numClasses()} row-major values.
     *
     * @throws InvalidInputException if {@code width} is not the model's input width or the values do not fit
     */
    public float[] output(float[] features, int batch, int width) {
        if (width != inputWidth) {
            throw new InvalidInputException("input has width " + width + ", the model (" + architecture + ") takes "
                    + inputWidth + " features per sample");
        }
        if (batch < 0 || features.length != (long) batch * width) {
            throw new InvalidInputException("input has " + features.length + " values, " + batch + " samples of width "
                    + width + " need " + (long) batch * width);
        }
        int classes = numClasses();
        float[] out = new float[batch * classes];
        int tile = Math.min(TILE, Math.max(1, batch));
        float[] a = new float[maxWidth * tile];
        float[] y = new float[maxWidth * tile];
        for (int start = 0; start < batch; start += tile) {
            int tb = Math.min(tile, batch - start);
            for (int b = 0; b < tb; b++) {
                int src = (start + b) * width;
                for (int i = 0; i < width; i++) {
                    a[i * tb + b] = features[src + i];
                }
            }
            for (Layer l : layers) {
                float[] bias = l.bias();
                for (int o = 0; o < l.out(); o++) {
                    java.util.Arrays.fill(y, o * tb, o * tb + tb, bias[o]);
                }
                l.kernel().multiplyAdd(a, y, tb);
                if (l.softmax()) {
                    softmax(y, l.out(), tb, out, start);
                } else {
                    for (int i = 0, e = l.out() * tb; i < e; i++) {
                        if (y[i] < 0f) {
                            y[i] = 0f;
                        }
                    }
                    float[] t = a;
                    a = y;
                    y = t;
                }
            }
        }
        return out;
    }

    private static void softmax(float[] y, int classes, int tb, float[] out, int start) {
        for (int b = 0; b < tb; b++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int o = 0; o < classes; o++) {
                max = Math.max(max, y[o * tb + b]);
            }
            float sum = 0f;
            int row = (start + b) * classes;
            for (int o = 0; o < classes; o++) {
                float e = (float) Math.exp(y[o * tb + b] - max);
                out[row + o] = e;
                sum += e;
            }
            for (int o = 0; o < classes; o++) {
                out[row + o] /= sum;
            }
        }
    }

    /** The most probable class of every sample of a dataset. */
    public int[] predict(Dataset data) {
        int n = data.size();
        int classes = numClasses();
        float[] p = output(data.features(), n, data.featureCount());
        int[] pred = new int[n];
        for (int s = 0; s < n; s++) {
            int best = 0;
            for (int o = 1; o < classes; o++) {
                if (p[s * classes + o] > p[s * classes + best]) {
                    best = o;
                }
            }
            pred[s] = best;
        }
        return pred;
    }
}
