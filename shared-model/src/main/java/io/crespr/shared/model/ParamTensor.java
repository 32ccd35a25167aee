package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.util.Arrays;

/**
 * One parameter array of a network, by DL4J's name ({@code 0_W}, {@code 0_b}, …), with its
 * shape and its values in row-major ('c') order of that shape.
 */
public record ParamTensor(String name, long[] shape, float[] values) {

    public ParamTensor {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != values.length) {
            throw new InvalidInputException("parameter " + name + ": shape " + Arrays.toString(shape)
                    + " needs " + n + " values, got " + values.length);
        }
    }

    /** Weight arrays ({@code W}) are prunable; biases are not. */
    public boolean isWeight() {
        return name.endsWith("_W");
    }

    /** The layer index encoded in DL4J's parameter name. */
    public int layerIndex() {
        return Integer.parseInt(name.substring(0, name.indexOf('_')));
    }

    public int size() {
        return values.length;
    }

    public ParamTensor withValues(float[] newValues) {
        return new ParamTensor(name, shape.clone(), newValues);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamTensor p && name.equals(p.name) && Arrays.equals(shape, p.shape)
                && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "ParamTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
