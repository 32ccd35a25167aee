package io.crespr.shared.model;

import java.util.Arrays;

/**
 * Which weights of one parameter array survive: {@code keep[i]} is false for a pruned weight,
 * whose value is exactly zero and stays zero through fine-tuning. Indices follow the
 * parameter's row-major values.
 */
public record Mask(String param, boolean[] keep) {

    public static Mask dense(String param, int size) {
        boolean[] k = new boolean[size];
        Arrays.fill(k, true);
        return new Mask(param, k);
    }

    public int size() {
        return keep.length;
    }

    public int keptCount() {
        int c = 0;
        for (boolean b : keep) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    public int prunedCount() {
        return keep.length - keptCount();
    }

    public double sparsity() {
        return keep.length == 0 ? 0 : (double) prunedCount() / keep.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && param.equals(m.param) && Arrays.equals(keep, m.keep);
    }

    @Override
    public int hashCode() {
        return param.hashCode() * 31 + Arrays.hashCode(keep);
    }

    @Override
    public String toString() {
        return "Mask[" + param + ", kept " + keptCount() + "/" + keep.length + "]";
    }
}
