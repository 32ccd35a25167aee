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
 * A pruned network compiled into an execution plan: per weighted layer a {@link PlanKind} chosen
 * by a {@link CostModel} (or forced), the layer's biases and its activation, as
 * {@link io.crespr.shared.model.Networks} builds them: ReLU on hidden fully connected layers,
 * softmax on the output, and for {@code lenet-5} its two convolutions (no activation, each
 * followed by a 2×2 max pooling). A convolution runs either as an im2col matrix times the dense
 * or block-diagonal kernel matrix, or as a direct sparse convolution of its surviving taps (the
 * CSR kind). Its outputs equal DL4J's dense forward pass of the same checkpoint up to float
 * rounding. Samples run in tiles (at most {@link #TILE}, fewer for convolutions so a tile's
 * im2col matrix stays small); a model is immutable and may be shared between threads.
 */
public final class SparseModel {

    /** Samples per tile: a tile's activations of the widest layer stay in cache. */
    public static final int TILE = 64;

    /** Values a convolution's im2col matrix may hold per tile; it sets the tile of convolutional models. */
    static final int MAX_TILE_VALUES = 1 << 19;

    /** What a layer applies to its sums. */
    public enum Activation { RELU, SOFTMAX, IDENTITY }

    /**
     * How to compile.
     *
     * @param force   the kind every layer must use; {@code null} lets the plan choose
     * @param batch   the batch size the plan is chosen for (at a tile of {@code min(batch, tile)})
     * @param costs   per-weight costs; {@link CostModel#calibrate()} measures them on this machine
     * @param measure when choosing, also time every kind the cost model does not rule out (estimate
     *                within {@link #MEASURE_WITHIN} of the best) on the layer itself, and take the fastest;
     *                false: the cheapest estimate wins (deterministic, for tests)
     */
    public record Options(PlanKind force, int batch, CostModel costs, boolean measure) {
        public Options {
            if (batch < 1) {
                throw new InvalidInputException("batch must be at least 1, got " + batch);
            }
        }

        /** Measuring when choosing. */
        public Options(PlanKind force, int batch, CostModel costs) {
            this(force, batch, costs, true);
        }
    }

    /** A measured kind replaces the cheapest estimate only when it is faster by more than this share. */
    public static final double TIE = 0.05;

    /** Kinds whose estimate is more than this many times the best one's are not timed. */
    public static final double MEASURE_WITHIN = 8.0;

    /**
     * One compiled layer with weights.
     *
     * @param index      the DL4J layer index
     * @param in         rows of the kernel matrix: inputs of a fully connected layer, filter taps
     *                   (channels × kernel × kernel) of a convolution
     * @param out        columns of the kernel matrix: units, or output channels
     * @param nnz        surviving weights
     * @param kind       the kernel that runs
     * @param estimates  estimated nanoseconds per sample of each kernel offered
     * @param reason     why this kind, in words
     * @param activation what follows the sums (and, for a convolution, comes before its pooling)
     * @param conv       a convolution's geometry and pooling; null for a fully connected layer
     */
    public record Layer(int index, int in, int out, int nnz, PlanKind kind, Map<PlanKind, Double> estimates,
            String reason, Activation activation, float[] bias, Kernels.Kernel kernel, Kernels.Conv conv) {

        public boolean softmax() {
            return activation == Activation.SOFTMAX;
        }

        /** Values per sample this layer reads. */
        public int inputWidth() {
            return conv == null ? in : conv.inputWidth();
        }

        /** Values per sample this layer gives the next (after pooling). */
        public int outputWidth() {
            return conv == null ? out : out * conv.pooledHeight() * conv.pooledWidth();
        }

        /** Multiply-adds per sample of every weight, zeros included. */
        public long denseMacs() {
            return (long) in * out * (conv == null ? 1 : conv.positions());
        }

        /** Multiply-adds per sample of the surviving weights. */
        public long sparseMacs() {
            return (long) nnz * (conv == null ? 1 : conv.positions());
        }

        public String describe() {
            String what = conv == null ? in + "x" + out
                    : String.format(Locale.ROOT, "conv %dx%d %d->%d channels on %dx%d%s", conv.kernel(), conv.kernel(),
                            conv.channels(), out, conv.height(), conv.width(),
                            conv.pool() > 1 ? ", max-pool " + conv.pool() : "");
            return String.format(Locale.ROOT, "layer %d %s (%d nnz, %.2f%% dense) %s [%s]: %s", index, what,
                    nnz, 100.0 * nnz / ((double) in * out), kind.label(), kernel.shape(), reason);
        }
    }

    private final String architecture;
    private final List<Layer> layers;
    private final int inputWidth;
    private final int tile;
    private final int maxWidth;
    /** Per layer, the im2col rows its kernel reads (null: all, or not a convolution). */
    private final boolean[][] colRows;
    private final String sourceSha256;
    private final long seed;
    private final int batch;

    SparseModel(String architecture, List<Layer> layers, String sourceSha256, long seed, int batch) {
        this.architecture = architecture;
        this.layers = List.copyOf(layers);
        this.sourceSha256 = sourceSha256;
        this.seed = seed;
        this.batch = batch;
        this.inputWidth = layers.get(0).inputWidth();
        this.tile = tileFor(layers.stream().map(Layer::conv).toList());
        int m = 0;
        this.colRows = new boolean[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            m = Math.max(m, Math.max(l.inputWidth(), l.outputWidth()));
            if (l.conv() != null) {
                m = Math.max(m, l.out() * l.conv().positions());
                if (l.kernel() instanceof Kernels.Block b) {
                    colRows[i] = b.rowsRead(l.in());
                }
            }
        }
        this.maxWidth = m;
    }

    /** {@link #TILE}, or fewer samples when a convolution's im2col matrix would exceed {@link #MAX_TILE_VALUES}. */
    static int tileFor(List<Kernels.Conv> convolutions) {
        int t = TILE;
        for (Kernels.Conv g : convolutions) {
            if (g != null) {
                t = Math.min(t, Math.max(1, MAX_TILE_VALUES / (g.taps() * g.positions())));
            }
        }
        return t;
    }

    /**
     * Compiles a pruned checkpoint.
     *
     * @throws InvalidInputException if the checkpoint has no masks, its parameters do not fit its
     *                               architecture, or block-diagonal is forced on a checkpoint without
     *                               a module map that fits its layers
     */
    public static SparseModel compile(Checkpoint c, Options options) {
        Architecture arch = Architecture.parse(c.architecture());
        if (c.masks().isEmpty()) {
            throw new InvalidInputException("checkpoint " + c.id() + " has no masks: it is not a pruned model "
                    + "(prune it first, e.g. ./crespr prune ... --out DIR, then use DIR/pruned.ckpt)");
        }
        List<ParamTensor> weights = c.weights();
        int n = weights.size();
        List<Kernels.Conv> geometry = geometry(arch, c, weights);
        int[] nodes = new int[n + 1];
        int[][] rowNode = new int[n][];
        for (int l = 0; l < n; l++) {
            Kernels.Conv g = geometry.get(l);
            ParamTensor w = weights.get(l);
            if (g != null) {
                nodes[l] = g.channels();
                rowNode[l] = new int[g.taps()];
                for (int r = 0; r < g.taps(); r++) {
                    rowNode[l][r] = r / (g.kernel() * g.kernel());
                }
            } else {
                int in = (int) w.shape()[0];
                Kernels.Conv before = l > 0 ? geometry.get(l - 1) : null;
                int perNode = before == null ? 1 : before.pooledHeight() * before.pooledWidth();
                nodes[l] = in / perNode;
                rowNode[l] = new int[in];
                for (int i = 0; i < in; i++) {
                    rowNode[l][i] = i / perNode;
                }
            }
            nodes[l + 1] = (int) w.shape()[g != null ? 0 : 1];
        }
        ModuleMap modules = c.modules();
        String moduleProblem = moduleProblem(modules, nodes);
        if (options.force() == PlanKind.BLOCK && moduleProblem != null) {
            throw new InvalidInputException("plan block-diagonal needs the checkpoint's module map, but " + moduleProblem
                    + "; use --plan auto, dense or csr");
        }
        List<Layer> layers = new ArrayList<>();
        int tb = Math.min(options.batch(), tileFor(geometry));
        CostModel cost = options.costs();
        int width = -1;
        for (int l = 0; l < n; l++) {
            ParamTensor w = weights.get(l);
            Kernels.Conv g = geometry.get(l);
            int idx = w.layerIndex();
            int in;
            int out;
            float[] v;
            if (g != null) {
                // DL4J keeps convolution weights as [out, in, kh, kw]; the kernel matrix is [taps, out].
                out = (int) w.shape()[0];
                in = g.taps();
                v = new float[in * out];
                float[] src = w.values();
                for (int o = 0; o < out; o++) {
                    for (int r = 0; r < in; r++) {
                        v[r * out + o] = src[o * in + r];
                    }
                }
            } else {
                in = (int) w.shape()[0];
                out = (int) w.shape()[1];
                v = w.values();
            }
            int inputWidth = g == null ? in : g.inputWidth();
            if (l > 0 && inputWidth != width) {
                throw new InvalidInputException("parameter " + w.name() + " takes " + inputWidth
                        + " inputs, the layer before gives " + width);
            }
            float[] bias = c.param(idx + "_b").values().clone();
            if (bias.length != out) {
                throw new InvalidInputException("bias " + idx + "_b has " + bias.length + " values, layer " + idx + " has "
                        + out + (g == null ? " units" : " channels"));
            }
            int nnz = 0;
            for (float f : v) {
                nnz += f != 0f ? 1 : 0;
            }
            // Columns one multiply covers: samples, or output positions × samples in a convolution.
            int cols = g == null ? tb : g.positions() * tb;
            Map<PlanKind, Kernels.Kernel> kernels = new EnumMap<>(PlanKind.class);
            Map<PlanKind, Double> est = new EnumMap<>(PlanKind.class);
            kernels.put(PlanKind.DENSE, Kernels.Dense.of(in, out, v));
            double im2col = g == null ? 0 : cost.copy((long) in * cols);
            est.put(PlanKind.DENSE, (im2col + cost.dense((long) in * out, cols)) / tb);
            Kernels.Csr csr = Kernels.Csr.of(in, out, v, (i, o) -> true);
            kernels.put(PlanKind.CSR, csr);
            est.put(PlanKind.CSR, (g == null ? cost.csr(csr.storedWeights(), tb)
                    : cost.csr(csr.storedWeights() * g.runsPerTap(tb), g.runLength(tb))) / tb);
            if (moduleProblem == null) {
                int[] inMod = new int[in];
                int[] nodeMod = modules.assignments().get(l);
                for (int r = 0; r < in; r++) {
                    inMod[r] = nodeMod[rowNode[l][r]];
                }
                Kernels.Block block = block(in, out, v, modules.k(), inMod, modules.assignments().get(l + 1));
                kernels.put(PlanKind.BLOCK, block);
                double copy = 0;
                if (g != null) {
                    int read = 0;
                    for (boolean b : block.rowsRead(in)) {
                        read += b ? 1 : 0;
                    }
                    copy = cost.copy((long) read * cols);
                }
                est.put(PlanKind.BLOCK, (copy + cost.block(block.blockWeights(), cols)
                        + cost.csr(block.rest.storedWeights(), cols)) / tb);
            }
            PlanKind kind;
            String reason;
            String estimates = estimates(est, "");
            String notOffered = moduleProblem != null ? "; block-diagonal not offered: " + moduleProblem : "";
            Activation act = l == n - 1 ? Activation.SOFTMAX : g != null ? Activation.IDENTITY : Activation.RELU;
            PlanKind cheapest = smallest(est);
            double best = est.get(cheapest);
            List<PlanKind> close = est.keySet().stream().filter(k -> est.get(k) <= best * MEASURE_WITHIN).toList();
            if (options.force() != null) {
                kind = options.force();
                reason = "forced; estimates " + estimates;
            } else if (options.measure() && close.size() > 1) {
                CostModel.warmLoops();
                Map<PlanKind, Double> timed = new EnumMap<>(PlanKind.class);
                // Two rounds, each kind's best counting: a kind timed first in a round is not at a disadvantage.
                for (int round = 0; round < TRIAL_ROUNDS; round++) {
                    for (PlanKind k : close) {
                        Layer trial = new Layer(idx, in, out, nnz, k, est, "", act, bias, kernels.get(k), g);
                        timed.merge(k, timeLayer(trial, tb), Math::min);
                    }
                }
                // Near ties keep the estimate's choice, so a plan does not flip between runs on noise.
                PlanKind fastest = smallest(timed);
                kind = timed.get(fastest) < timed.get(cheapest) * (1 - TIE) ? fastest : cheapest;
                reason = (kind == fastest ? "fastest measured"
                        : "cheapest estimate, measured within " + Math.round(TIE * 100) + " % of the fastest")
                        + " at batch " + options.batch() + ": " + estimates(timed, " measured") + "; estimates " + estimates
                        + notOffered;
            } else {
                kind = cheapest;
                reason = "cheapest at batch " + options.batch() + ": " + estimates + notOffered;
            }
            Layer layer = new Layer(idx, in, out, nnz, kind, est, reason, act, bias, kernels.get(kind), g);
            layers.add(layer);
            width = layer.outputWidth();
        }
        return new SparseModel(arch.spec(), layers, io.crespr.shared.model.CheckpointCodec.contentHash(c),
                c.provenance() == null ? 0L : c.provenance().seed(), options.batch());
    }

    /**
     * Per weight layer, the convolution's geometry (null for a fully connected layer): LeNet-5 as
     * {@link io.crespr.shared.model.Networks} builds it, two 5×5 convolutions each followed by a 2×2
     * max pooling, then two fully connected layers.
     */
    private static List<Kernels.Conv> geometry(Architecture arch, Checkpoint c, List<ParamTensor> weights) {
        List<Kernels.Conv> g = new ArrayList<>();
        if (arch.kind() == Architecture.Kind.MLP) {
            for (ParamTensor w : weights) {
                if (w.shape().length != 2) {
                    throw new InvalidInputException("parameter " + w.name() + " has shape "
                            + java.util.Arrays.toString(w.shape()) + ", but " + arch.spec() + " is fully connected");
                }
                g.add(null);
            }
            return g;
        }
        if (weights.size() != 4 || weights.get(0).shape().length != 4 || weights.get(1).shape().length != 4
                || weights.get(2).shape().length != 2 || weights.get(3).shape().length != 2) {
            throw new InvalidInputException("checkpoint " + c.id() + " says lenet-5 but its weights are "
                    + weights.stream().map(SparseModel::describe).toList()
                    + "; lenet-5 has two convolutions [out, in, k, k] and two fully connected layers");
        }
        int[] shape = io.crespr.shared.model.Networks.io(arch, c.params()).inputShape();
        int channels = shape[0];
        int side = shape[1];
        for (int l = 0; l < 2; l++) {
            long[] s = weights.get(l).shape();
            if (s[1] != channels || s[2] != s[3] || s[2] > side) {
                throw new InvalidInputException("convolution " + describe(weights.get(l)) + " does not fit its input of "
                        + channels + " channels of " + side + "x" + side);
            }
            Kernels.Conv conv = new Kernels.Conv(channels, side, side, (int) s[2], 2);
            g.add(conv);
            channels = (int) s[0];
            side = conv.pooledHeight();
        }
        g.add(null);
        g.add(null);
        return g;
    }

    private static String describe(ParamTensor p) {
        return p.name() + " " + java.util.Arrays.toString(p.shape());
    }

    /** The kind with the smallest time. */
    private static PlanKind smallest(Map<PlanKind, Double> nanos) {
        return nanos.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static String estimates(Map<PlanKind, Double> est, String what) {
        StringBuilder sb = new StringBuilder();
        est.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ')
                .append(String.format(Locale.ROOT, "%.1f", v)).append(" ns/sample").append(what));
        return sb.toString();
    }

    /** A trial of a layer runs in windows of this long until its best window stops improving. */
    private static final long TRIAL_WINDOW_NANOS = 2_000_000L;
    /** At most this long per trial (JIT compilation included). */
    private static final long TRIAL_MAX_NANOS = 250_000_000L;
    /** Windows in a row without a gain of more than 3 % that end a trial. */
    private static final int TRIAL_SETTLED = 4;
    /** A trial lasts at least this long. */
    private static final long TRIAL_MIN_NANOS = 20_000_000L;
    /** Rounds over the candidate kinds of a layer. */
    private static final int TRIAL_ROUNDS = 2;

    /**
     * Nanoseconds per sample of one layer on a tile of {@code tb} samples of made-up activations:
     * windows of calls until the best window has not improved by more than 3 % for
     * {@link #TRIAL_SETTLED} windows in a row (the JIT has compiled the loops), the best counting.
     */
    static double timeLayer(Layer l, int tb) {
        int run = l.conv() == null ? tb : l.conv().positions() * tb;
        float[] a = new float[Math.max(l.inputWidth(), l.outputWidth()) * tb];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(13);
        for (int i = 0; i < l.inputWidth() * tb; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        float[] y = new float[Math.max(l.out() * run, l.outputWidth() * tb)];
        float[] col = l.conv() != null && l.kind() != PlanKind.CSR ? new float[l.in() * run] : null;
        boolean[] rows = col != null && l.kernel() instanceof Kernels.Block b ? b.rowsRead(l.in()) : null;
        float[] probs = new float[l.out() * tb];
        // A pooled convolution pools into its input buffer; the values change, the work does not.
        long begin = System.nanoTime();
        double best = Double.MAX_VALUE;
        int settled = 0;
        int reps = 1;
        while ((settled < TRIAL_SETTLED || System.nanoTime() - begin < TRIAL_MIN_NANOS)
                && System.nanoTime() - begin < TRIAL_MAX_NANOS) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                runLayer(l, a, y, col, rows, tb, probs, 0);
            }
            double perCall = (double) (System.nanoTime() - t0) / reps;
            settled = perCall < best * 0.97 ? 0 : settled + 1;
            best = Math.min(best, perCall);
            reps = (int) Math.max(1, Math.min(1_000_000, TRIAL_WINDOW_NANOS / Math.max(1.0, best)));
        }
        return best / tb;
    }

    /**
     * Why the module map cannot drive block-diagonal layers, or null when it can; {@code nodes[l]}
     * is the width of node layer {@code l} (features, units, channels or classes).
     */
    private static String moduleProblem(ModuleMap m, int[] nodes) {
        if (m.isEmpty()) {
            return "the checkpoint has no modules (a method without modules, such as gmp, made it)";
        }
        if (m.assignments().size() != nodes.length) {
            return "its module map has " + m.assignments().size() + " node layers, the network " + nodes.length;
        }
        for (int l = 0; l < nodes.length; l++) {
            if (m.assignments().get(l).length != nodes[l]) {
                return "its module map gives " + m.assignments().get(l).length + " nodes in node layer " + l
                        + ", the network has " + nodes[l];
            }
            for (int a : m.assignments().get(l)) {
                if (a < -1 || a >= m.k()) {
                    return "its module map assigns a node of node layer " + l + " to module " + a + " of " + m.k();
                }
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

    /** Samples a forward call runs at a time. */
    public int tile() {
        return tile;
    }

    /** Multiply-adds per sample of the dense network: every weight, zeros included, times the positions it slides over. */
    public long denseMacsPerSample() {
        return layers.stream().mapToLong(Layer::denseMacs).sum();
    }

    /** Multiply-adds per sample that the surviving weights need: the least any kernel must do. */
    public long sparseMacsPerSample() {
        return layers.stream().mapToLong(Layer::sparseMacs).sum();
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
        int tile = Math.min(this.tile, Math.max(1, batch));
        float[] a = new float[maxWidth * tile];
        float[] y = new float[maxWidth * tile];
        // One im2col matrix per convolution that needs one, sized for a full tile (the dense kernel's GEMM takes it whole).
        float[][] cols = new float[layers.size()][];
        for (int li = 0; li < layers.size(); li++) {
            Layer l = layers.get(li);
            if (l.conv() != null && l.kind() != PlanKind.CSR) {
                cols[li] = new float[l.in() * l.conv().positions() * tile];
            }
        }
        for (int start = 0; start < batch; start += tile) {
            int tb = Math.min(tile, batch - start);
            for (int b = 0; b < tb; b++) {
                int src = (start + b) * width;
                for (int i = 0; i < width; i++) {
                    a[i * tb + b] = features[src + i];
                }
            }
            for (int li = 0; li < layers.size(); li++) {
                if (runLayer(layers.get(li), a, y, cols[li], colRows[li], tb, out, start)) {
                    float[] t = a;
                    a = y;
                    y = t;
                }
            }
        }
        return out;
    }

    /**
     * One layer on a tile: biases, the kernel, the activation, the pooling. Reads {@code a}; writes
     * the layer's output to {@code y} and returns true (the caller swaps the two), or, for a pooled
     * convolution, pools into {@code a} (its input is spent) and returns false; the softmax layer
     * writes the probabilities of samples {@code start..} into {@code probs}.
     */
    private static boolean runLayer(Layer l, float[] a, float[] y, float[] col, boolean[] colRows, int tb,
            float[] probs, int start) {
        Kernels.Conv g = l.conv();
        int run = g == null ? tb : g.positions() * tb;
        float[] bias = l.bias();
        for (int o = 0; o < l.out(); o++) {
            java.util.Arrays.fill(y, o * run, o * run + run, bias[o]);
        }
        if (g == null) {
            l.kernel().multiplyAdd(a, y, tb);
        } else if (l.kind() == PlanKind.CSR) {
            g.convolve((Kernels.Csr) l.kernel(), a, y, tb);
        } else {
            g.im2col(a, col, tb, colRows);
            l.kernel().multiplyAdd(col, y, run);
        }
        if (l.softmax()) {
            softmax(y, l.out(), tb, probs, start);
            return false;
        }
        if (l.activation() == Activation.RELU) {
            for (int i = 0, e = l.out() * run; i < e; i++) {
                if (y[i] < 0f) {
                    y[i] = 0f;
                }
            }
        }
        if (g != null && g.pool() > 1) {
            g.maxPool(y, a, l.out(), tb);
            return false;
        }
        return true;
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
