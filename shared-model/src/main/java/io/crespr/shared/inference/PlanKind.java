package io.crespr.shared.inference;

import io.crespr.shared.InvalidInputException;
import java.util.Locale;

/** How one layer of a compiled model multiplies. */
public enum PlanKind {
    /** Every weight, zero or not, in a plain float loop. */
    DENSE("dense"),
    /** Only the surviving weights, row by row of output units (compressed sparse rows). */
    CSR("csr"),
    /** One small dense block per module (its surviving rows and columns), the inter-module survivors as CSR. */
    BLOCK("block-diagonal");

    private final String label;

    PlanKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * A plan option: {@code auto} (null: the cost model chooses), {@code dense}, {@code csr} or
     * {@code block} ({@code block-diagonal}).
     */
    public static PlanKind parseOption(String s) {
        String v = s == null ? "auto" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> null;
            case "dense" -> DENSE;
            case "csr" -> CSR;
            case "block", "block-diagonal" -> BLOCK;
            default -> throw new InvalidInputException("unknown plan '" + s + "'; known: auto, dense, csr, block");
        };
    }
}
