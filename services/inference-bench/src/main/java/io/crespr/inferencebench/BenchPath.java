package io.crespr.inferencebench;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.inference.PlanKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What runs a forward pass: DL4J's dense network, or the compiled model with a forced plan or the cost model's. */
public enum BenchPath {
    /** DL4J's {@code MultiLayerNetwork.output}, every weight, zeros included: the baseline. */
    DL4J("dl4j", null),
    /** The compiled model, every layer dense. */
    DENSE("dense", PlanKind.DENSE),
    /** The compiled model, every layer CSR. */
    CSR("csr", PlanKind.CSR),
    /** The compiled model, every layer block-diagonal (needs the checkpoint's modules). */
    BLOCK("block", PlanKind.BLOCK),
    /** The compiled model, each layer's kind chosen by the cost model for the batch. */
    AUTO("auto", null);

    private final String label;
    private final PlanKind force;

    BenchPath(String label, PlanKind force) {
        this.label = label;
        this.force = force;
    }

    public String label() {
        return label;
    }

    /** The plan every layer is forced to; {@code null} for {@link #AUTO} (the cost model chooses) and {@link #DL4J}. */
    public PlanKind force() {
        return force;
    }

    public boolean compiled() {
        return this != DL4J;
    }

    public static BenchPath parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("block-diagonal")) {
            return BLOCK;
        }
        if (v.equals("dl4j-dense")) {
            return DL4J;
        }
        for (BenchPath p : values()) {
            if (p.label.equals(v)) {
                return p;
            }
        }
        throw new InvalidInputException("unknown path '" + s + "'; known: "
                + Arrays.stream(values()).map(BenchPath::label).collect(Collectors.joining(", ")));
    }

    /** Paths in the order given, each once. */
    public static List<BenchPath> parseAll(List<String> names) {
        List<BenchPath> out = new ArrayList<>();
        for (String n : names) {
            BenchPath p = parse(n);
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
