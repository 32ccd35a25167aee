package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network architecture by name: {@code lenet-300-100}, {@code lenet-5} (Caffe-style
 * conv-pool-conv-pool-dense-dense, LeCun et al. 1998) or {@code mlp:W1,W2,…} for a ReLU
 * multilayer perceptron with the given hidden widths.
 *
 * @param spec   the canonical spec string
 * @param kind   MLP or LENET5
 * @param hidden hidden widths of an MLP; empty for LeNet-5
 */
public record Architecture(String spec, Kind kind, int[] hidden) {

    public enum Kind { MLP, LENET5 }

    /** The names accepted besides {@code mlp:…}. */
    public static final List<String> NAMED = List.of("lenet-300-100", "lenet-5");

    public static Architecture parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidInputException("architecture must not be empty; known: " + String.join(", ", NAMED)
                    + ", mlp:W1,W2,…");
        }
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "lenet-300-100":
                return new Architecture(s, Kind.MLP, new int[] {300, 100});
            case "lenet-5":
                return new Architecture(s, Kind.LENET5, new int[0]);
            default:
                break;
        }
        if (!s.startsWith("mlp:")) {
            throw new InvalidInputException("unknown architecture '" + spec + "'; known: " + String.join(", ", NAMED)
                    + ", mlp:W1,W2,… (e.g. mlp:64,32)");
        }
        String[] parts = s.substring(4).split(",", -1);
        List<Integer> widths = new ArrayList<>();
        for (String p : parts) {
            try {
                int w = Integer.parseInt(p.trim());
                if (w < 1 || w > 1_000_000) {
                    throw new InvalidInputException("architecture '" + spec + "': width " + w
                            + " must be in [1, 1000000]");
                }
                widths.add(w);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("architecture '" + spec + "' does not parse: '" + p
                        + "' is not a layer width (expected mlp:W1,W2,… with positive integers)");
            }
        }
        int[] h = widths.stream().mapToInt(Integer::intValue).toArray();
        return new Architecture("mlp:" + String.join(",", widths.stream().map(String::valueOf).toList()), Kind.MLP, h);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && a.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return spec + (kind == Kind.MLP ? " " + Arrays.toString(hidden) : "");
    }
}
