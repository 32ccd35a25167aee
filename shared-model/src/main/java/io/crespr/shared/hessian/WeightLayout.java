package io.crespr.shared.hessian;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.ParamTensor;

/**
 * A weight array seen as the linear map of a layer-wise Hessian: {@code inputs()} rows of the
 * layer's input matrix (the dimension of H) and {@code outputs()} independent output rows
 * {@code j}, each a weight vector over the inputs.
 *
 * <ul>
 *   <li>dense {@code [nIn, nOut]}: input q is feature q, output j is unit j, value index
 *       {@code q·nOut + j};</li>
 *   <li>convolution {@code [nOut, C, kh, kw]}: input q is the patch entry
 *       {@code (c, ky, kx) = c·kh·kw + ky·kw + kx} (the im2col column, see
 *       {@link LayerInputs#patches}), output j is channel j, value index {@code j·C·kh·kw + q}.</li>
 * </ul>
 *
 * @param name    the parameter's name
 * @param conv    whether the weight is a convolution kernel
 * @param inputs  the number of layer inputs (nIn, or C·kh·kw)
 * @param outputs the number of outputs (nOut)
 * @param kernel  kh·kw for a convolution, 1 for a dense layer
 */
public record WeightLayout(String name, boolean conv, int inputs, int outputs, int kernel) {

    /**
     * Whether any weight of {@code c} is a convolution kernel: its layer inputs are patches, hundreds
     * of rows per sample, so Hessian figures can do with fewer samples.
     */
    public static boolean anyConvolution(io.crespr.shared.model.Checkpoint c) {
        return c.weights().stream().anyMatch(w -> of(w).conv());
    }

    public static WeightLayout of(ParamTensor w) {
        long[] s = w.shape();
        if (s.length == 2) {
            return new WeightLayout(w.name(), false, (int) s[0], (int) s[1], 1);
        }
        if (s.length == 4) {
            return new WeightLayout(w.name(), true, (int) (s[1] * s[2] * s[3]), (int) s[0], (int) (s[2] * s[3]));
        }
        throw new InvalidInputException(w.name() + ": unsupported weight rank " + s.length + ", expected 2 or 4");
    }

    /** Index in the parameter's row-major values of the weight from input q to output j. */
    public int index(int q, int j) {
        return conv ? j * inputs + q : q * outputs + j;
    }

    /** Output row j's weights, one per input, as doubles. */
    public double[] row(float[] values, int j) {
        double[] r = new double[inputs];
        for (int q = 0; q < inputs; q++) {
            r[q] = values[index(q, j)];
        }
        return r;
    }

    /** Output row j's keep flags, one per input. */
    public boolean[] row(boolean[] keep, int j) {
        boolean[] r = new boolean[inputs];
        for (int q = 0; q < inputs; q++) {
            r[q] = keep[index(q, j)];
        }
        return r;
    }

    /**
     * The module of every layer input, given the module of every source node (a
     * {@link io.crespr.shared.model.ModuleMap} node layer): a convolution's patch entry belongs
     * to its input channel; a dense layer reading {@code nodes × positions} flattened
     * channel-major inputs (after a convolution) gives input q to node {@code q / positions}.
     */
    public int[] inputModules(int[] sourceNodes) {
        int[] out = new int[inputs];
        int per = conv ? kernel : inputs / sourceNodes.length;
        if (per * sourceNodes.length != inputs) {
            throw new InvalidInputException(name + ": " + inputs + " inputs do not split into " + sourceNodes.length
                    + " source nodes");
        }
        for (int q = 0; q < inputs; q++) {
            out[q] = sourceNodes[q / per];
        }
        return out;
    }
}
