package io.crespr.inferencebench;

import java.util.List;
import java.util.Locale;

/**
 * Whether a compiled path computes what DL4J computes: every output within a relative tolerance
 * of DL4J's dense forward pass of the same checkpoint. A benchmark runs this on its inputs
 * before it times anything, so a wrong kernel is never timed.
 */
public final class OutputCheck {

    /** The tolerance the benchmarks use: what the compiled model promises (see SparseModelTest). */
    public static final double TOLERANCE = 1e-5;

    private OutputCheck() {
    }

    /** Thrown when a path's outputs differ from DL4J's by more than the tolerance. */
    public static final class MismatchException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    /**
     * The largest relative difference {@code |e - a| / max(|e|, |a|)} over all values (0 where both
     * are below 1e-30), and where it is: {@code {difference, index}}; index -1 when equal.
     */
    public static double[] worst(float[] expected, float[] actual) {
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            double rel;
            if (Float.isNaN(expected[i]) || Float.isNaN(actual[i])) {
                rel = Float.isNaN(expected[i]) && Float.isNaN(actual[i]) ? 0 : Double.POSITIVE_INFINITY;
            } else {
                rel = scale > 1e-30 ? Math.abs(expected[i] - actual[i]) / scale : 0;
            }
            if (rel > worst) {
                worst = rel;
                at = i;
            }
        }
        return new double[] {worst, at};
    }

    /** The largest relative difference of {@link #worst}. */
    public static double maxRelative(float[] expected, float[] actual) {
        return worst(expected, actual)[0];
    }

    /**
     * Checks one batch.
     *
     * @param what names the path and the batch in the message
     * @throws MismatchException if the lengths differ or a value is off by more than {@code tolerance}
     */
    public static void verify(float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new MismatchException(what + ": " + actual.length + " outputs, DL4J gives " + expected.length);
        }
        double[] w = worst(expected, actual);
        if (!(w[0] <= tolerance)) {
            int i = (int) w[1];
            throw new MismatchException(String.format(Locale.ROOT, "%s: outputs differ from DL4J's by %.2e relative "
                    + "(tolerance %.0e) at output %d: %s, DL4J %s; not benchmarking a wrong kernel", what, w[0], tolerance,
                    i, actual[i], expected[i]));
        }
    }

    /**
     * Checks every batch: {@code actual.get(i)} against DL4J's {@code expected.get(i)}.
     *
     * @throws MismatchException at the first batch that differs, or when the batch counts differ
     */
    public static void verifyAll(List<float[]> expected, List<float[]> actual, double tolerance, String what) {
        if (expected.size() != actual.size()) {
            throw new MismatchException(what + ": " + actual.size() + " batches of outputs, DL4J gives " + expected.size());
        }
        for (int b = 0; b < actual.size(); b++) {
            verify(expected.get(b), actual.get(b), tolerance, what + ", input batch " + b);
        }
    }
}
