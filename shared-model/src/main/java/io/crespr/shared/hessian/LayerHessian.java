package io.crespr.shared.hessian;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Checkpoint;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer-wise Hessian {@code H = XᵀX / n} of one weight layer: the Hessian, with respect to
 * any one output row w, of the layer's reconstruction loss {@code ½·mean‖X w − X w_old‖²}
 * (Dong et al. 2017, L-OBS; Frantar and Alistarh 2022, OBC). It is the same for every output
 * row, which is what makes layer-wise OBS (Hassibi and Stork 1993) affordable; its diagonal is
 * the OBD Hessian diagonal of that loss (LeCun et al. 1990). {@code n} counts rows of X:
 * samples for a dense layer, samples × output positions for a convolution.
 *
 * <p><b>Precision.</b> XᵀX is a float GEMM (batch by batch, summed in double); everything after
 * it — damping, Cholesky, inverses — runs in double ({@link CholeskyFactor}).
 *
 * <p><b>Damping.</b> Inverses use {@code H + δ·I} with {@code δ = λ·mean(diag H)} (λ the
 * relative damping, {@value #DEFAULT_DAMPING} by default, the usual 1 % of OBC-style solvers), so dead or duplicate
 * inputs never make the inverse blow up. With λ = 0 an undamped factor is tried first and, if H
 * is numerically singular, the smallest δ (from {@code 1e-8·mean diag}, by factors of ten) that
 * makes it positive definite is used. {@link #singular()} says whether H itself was singular or
 * badly conditioned (condition above about 1e10), i.e. whether damping was needed, so a report
 * can say "singular Hessian, damped".
 *
 * <p>Instances are immutable; factors and inverses are computed on first use and kept.
 */
public final class LayerHessian {

    /** Relative damping λ when an option does not say otherwise. */
    public static final double DEFAULT_DAMPING = 0.01;

    /** H counts as singular when a Cholesky pivot falls below this share of its largest diagonal. */
    static final double SINGULAR_PIVOT_RATIO = 1e-10;

    private final int dim;
    private final long rows;
    /** Undamped H, row-major, exactly symmetric. */
    private final double[] h;
    private final double relativeDamping;
    /** Absolute δ asked for, before any escalation; NaN: λ·scale. */
    private final double requestedAbsolute;

    private CholeskyFactor factor;
    private double dampingAdded = Double.NaN;
    private Boolean singular;
    private double[] inverseDiagonal;
    private double[] inverse;

    private LayerHessian(int dim, long rows, double[] h, double relativeDamping, double requestedAbsolute) {
        this.dim = dim;
        this.rows = rows;
        this.h = h;
        this.relativeDamping = relativeDamping;
        this.requestedAbsolute = requestedAbsolute;
    }

    /**
     * H of an input matrix {@code x} {@code [n, d]}: a float GEMM for float x, a double one for
     * double x (the double path is exact enough for tests against brute force).
     *
     * @param damping relative damping λ ≥ 0
     */
    public static LayerHessian of(INDArray x, double damping) {
        if (x.rank() != 2 || x.size(0) < 1) {
            throw new InvalidInputException("layer input must be a non-empty matrix, got shape "
                    + Arrays.toString(x.shape()));
        }
        int d = (int) x.size(1);
        return ofGram(gram(x), d, x.size(0), damping);
    }

    /** {@code XᵀX} of one matrix, row-major double, in x's own precision. */
    static double[] gram(INDArray x) {
        INDArray xx = x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.FLOAT);
        INDArray g = Nd4j.gemm(xx, xx, true, false);
        return Nd4j.toFlattened('c', g).toDoubleVector();
    }

    /**
     * H from an accumulated Gram matrix {@code XᵀX} (row-major d × d) over {@code rows} rows.
     * The Gram matrix is symmetrised: float GEMM may leave it asymmetric in the last bit.
     *
     * @param damping relative damping λ ≥ 0
     */
    public static LayerHessian ofGram(double[] gram, int dim, long rows, double damping) {
        if (!(damping >= 0) || !Double.isFinite(damping)) {
            throw new InvalidInputException("damping must be a finite number >= 0, got " + damping);
        }
        if (gram.length != (long) dim * dim) {
            throw new IllegalArgumentException("Gram matrix has " + gram.length + " entries, expected " + dim + "²");
        }
        if (rows < 1) {
            throw new InvalidInputException("a layer Hessian needs at least one input row, got " + rows);
        }
        double[] h = new double[dim * dim];
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b <= a; b++) {
                double v = 0.5 * (gram[a * dim + b] + gram[b * dim + a]) / rows;
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("layer input has non-finite values (Hessian entry " + a + "," + b
                            + " is " + v + "); the network's activations overflow");
                }
                h[a * dim + b] = v;
                h[b * dim + a] = v;
            }
        }
        return new LayerHessian(dim, rows, h, damping, Double.NaN);
    }

    /**
     * The layer Hessians of every weight of a checkpoint on {@code samples} calibration samples
     * of {@code data} (see {@link LayerInputs#stream}), by weight name in weight order.
     *
     * @param damping relative damping λ ≥ 0
     */
    public static Map<String, LayerHessian> collect(Checkpoint c, Dataset data, int samples, double damping,
            long seed) {
        if (!(damping >= 0) || !Double.isFinite(damping)) {
            throw new InvalidInputException("damping must be a finite number >= 0, got " + damping);
        }
        Map<String, LayerHessian> out = new LinkedHashMap<>();
        LayerInputs.grams(c, data, samples, seed)
                .forEach((name, g) -> out.put(name, ofGram(g.sum(), g.dim(), g.rows(), damping)));
        return Collections.unmodifiableMap(out);
    }

    /** The dimension d: the layer's number of inputs. */
    public int dim() {
        return dim;
    }

    /** The number of rows of X the Hessian averages over. */
    public long rows() {
        return rows;
    }

    /** Undamped entry {@code H_ab}. */
    public double get(int a, int b) {
        return h[a * dim + b];
    }

    /** A copy of the undamped H, row-major. */
    public double[] matrix() {
        return h.clone();
    }

    /** The undamped diagonal {@code h_qq = mean x_q²}. */
    public double[] diagonal() {
        double[] d = new double[dim];
        for (int q = 0; q < dim; q++) {
            d[q] = h[q * dim + q];
        }
        return d;
    }

    /** The relative damping λ this Hessian was built with. */
    public double relativeDamping() {
        return relativeDamping;
    }

    /** The absolute δ added to the diagonal before factoring (0 when none was). */
    public synchronized double dampingAdded() {
        cholesky();
        return dampingAdded;
    }

    /**
     * Whether the undamped H is not numerically positive definite (a Cholesky pivot below
     * {@value #SINGULAR_PIVOT_RATIO} of its largest diagonal entry: dead inputs, duplicate inputs,
     * fewer rows than inputs), so damping was needed to invert it.
     */
    public synchronized boolean singular() {
        if (singular == null) {
            singular = CholeskyFactor.factor(h, dim, 0, SINGULAR_PIVOT_RATIO * maxDiagonal()) == null;
        }
        return singular;
    }

    /** The Cholesky factor of the damped {@code H + δI}. */
    public synchronized CholeskyFactor cholesky() {
        if (factor != null) {
            return factor;
        }
        double scale = meanDiagonal();
        if (scale == 0) {
            // All inputs dead: any positive δ gives the same (zero-effect) answers.
            scale = 1;
        }
        double delta = Double.isNaN(requestedAbsolute) ? relativeDamping * scale : requestedAbsolute;
        CholeskyFactor f;
        if (delta > 0) {
            f = CholeskyFactor.factor(h, dim, delta, 0);
        } else {
            f = CholeskyFactor.factor(h, dim, 0, SINGULAR_PIVOT_RATIO * maxDiagonal());
            singular = f == null;
        }
        if (f == null) {
            delta = Math.max(delta * 10, 1e-8 * scale);
            for (int tries = 0; f == null && tries < 40; tries++, delta *= 10) {
                f = CholeskyFactor.factor(h, dim, delta, 0);
                if (f != null) {
                    break;
                }
            }
            if (f == null) {
                throw new IllegalStateException("layer Hessian (dim " + dim + ") stays indefinite under damping "
                        + delta);
            }
        }
        dampingAdded = delta;
        factor = f;
        return f;
    }

    /** The diagonal of the damped inverse, {@code [(H + δI)⁻¹]_qq}. */
    public synchronized double[] inverseDiagonal() {
        if (inverseDiagonal == null) {
            inverseDiagonal = cholesky().inverseDiagonal();
        }
        return inverseDiagonal.clone();
    }

    /** The damped inverse {@code (H + δI)⁻¹}, row-major (a copy). */
    public double[] inverse() {
        return inverseView().clone();
    }

    synchronized double[] inverseView() {
        if (inverse == null) {
            inverse = cholesky().inverse();
        }
        return inverse;
    }

    /** Undamped H without copying, for callers in this package that only read it. */
    double[] matrixView() {
        return h;
    }

    /**
     * The principal sub-Hessian on {@code inputs} (sorted, distinct indices), damped with the same
     * absolute δ as this whole layer so that block and layer answers are on one scale.
     */
    public LayerHessian restrict(int[] inputs) {
        int m = inputs.length;
        double[] sub = new double[m * m];
        for (int a = 0; a < m; a++) {
            int ra = inputs[a] * dim;
            for (int b = 0; b < m; b++) {
                sub[a * m + b] = h[ra + inputs[b]];
            }
        }
        return new LayerHessian(m, rows, sub, relativeDamping, layerDamping());
    }

    /** The whole layer's δ, without factoring when λ > 0 fixes it (λ·scale always factors then). */
    private double layerDamping() {
        if (Double.isNaN(requestedAbsolute) && relativeDamping > 0) {
            double scale = meanDiagonal();
            return relativeDamping * (scale == 0 ? 1 : scale);
        }
        return dampingAdded();
    }

    /**
     * One module's block: the layer inputs of module {@code module} plus the shared ones
     * (module −1), and the Hessian restricted to them.
     *
     * @param module  the module index
     * @param inputs  sorted layer-input indices in the block
     * @param hessian {@code H_mm}, damped like the whole layer
     */
    public record Block(int module, int[] inputs, LayerHessian hessian) {

        /** Position of layer input {@code input} in this block, or −1 when it is not in it. */
        public int position(int input) {
            int p = Arrays.binarySearch(inputs, input);
            return p >= 0 ? p : -1;
        }
    }

    /** {@link #blocks(int[], int)} with modules {@code 0 .. max(partition)}. */
    public Map<Integer, Block> blocks(int[] partition) {
        int k = 0;
        for (int p : partition) {
            k = Math.max(k, p + 1);
        }
        return blocks(partition, k);
    }

    /**
     * The block-diagonal restriction of H to modules: for each module m in {@code [0, modules)}
     * that has inputs (its own or shared), {@code H_mm} over its own inputs and the shared ones
     * (shared inputs belong to every block).
     *
     * @param partition the module of every layer input, −1 for shared by all
     */
    public Map<Integer, Block> blocks(int[] partition, int modules) {
        checkPartition(partition);
        Map<Integer, Block> out = new TreeMap<>();
        for (int m = 0; m < modules; m++) {
            int count = 0;
            for (int p : partition) {
                count += p == m || p == -1 ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            int[] members = new int[count];
            int i = 0;
            for (int q = 0; q < dim; q++) {
                if (partition[q] == m || partition[q] == -1) {
                    members[i++] = q;
                }
            }
            out.put(m, new Block(m, members, restrict(members)));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The share of {@code ‖H‖²_F} (undamped) on input pairs outside the module blocks — pairs of
     * two different modules; a shared input is in every block — for {@code partition}, and the
     * same for {@code randomPartitions} random relabellings of it (a seeded shuffle: same block
     * sizes, same number of shared inputs).
     */
    public OffBlockShare offBlockShare(int[] partition, int randomPartitions, long seed) {
        checkPartition(partition);
        if (randomPartitions < 0) {
            throw new InvalidInputException("random partitions must be >= 0, got " + randomPartitions);
        }
        double observed = offBlockShareOf(partition);
        SplittableRandom r = new SplittableRandom(seed);
        int[] shuffled = partition.clone();
        double sum = 0;
        double sumSq = 0;
        for (int t = 0; t < randomPartitions; t++) {
            for (int i = shuffled.length - 1; i > 0; i--) {
                int k = r.nextInt(i + 1);
                int tmp = shuffled[i];
                shuffled[i] = shuffled[k];
                shuffled[k] = tmp;
            }
            double s = offBlockShareOf(shuffled);
            sum += s;
            sumSq += s * s;
        }
        double mean = randomPartitions == 0 ? Double.NaN : sum / randomPartitions;
        double std = randomPartitions < 2 ? 0
                : Math.sqrt(Math.max(0, (sumSq - randomPartitions * mean * mean) / (randomPartitions - 1)));
        return new OffBlockShare(observed, mean, std, randomPartitions);
    }

    private double offBlockShareOf(int[] partition) {
        double total = 0;
        double off = 0;
        for (int a = 0; a < dim; a++) {
            int pa = partition[a];
            int ra = a * dim;
            for (int b = 0; b < dim; b++) {
                double v = h[ra + b] * h[ra + b];
                total += v;
                int pb = partition[b];
                if (pa != pb && pa != -1 && pb != -1) {
                    off += v;
                }
            }
        }
        return total == 0 ? 0 : off / total;
    }

    private void checkPartition(int[] partition) {
        if (partition.length != dim) {
            throw new InvalidInputException("module partition has " + partition.length + " entries, the layer has "
                    + dim + " inputs");
        }
        for (int p : partition) {
            if (p < -1) {
                throw new InvalidInputException("module partition entry " + p + " is below -1");
            }
        }
    }

    private double meanDiagonal() {
        double s = 0;
        for (int q = 0; q < dim; q++) {
            s += h[q * dim + q];
        }
        return dim == 0 ? 0 : s / dim;
    }

    private double maxDiagonal() {
        double m = 0;
        for (int q = 0; q < dim; q++) {
            m = Math.max(m, h[q * dim + q]);
        }
        return m;
    }
}
