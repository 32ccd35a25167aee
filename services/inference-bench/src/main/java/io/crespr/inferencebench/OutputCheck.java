package io.crespr.inferencebench;

import java.util.List;
import java.util.Locale;

/**
 * Whether a compiled path computes what DL4J computes: on every batch, no output further from
 * DL4J's dense forward pass of the same checkpoint than the tolerance times the batch's largest
 * output. A benchmark runs this on its inputs before it times anything, so a wrong kernel is never
 * timed.
 *
 * <p>Relative to the batch, not to each value: a softmax output of 1e-18 is exp of a logit about
 * 40 below the largest, and a few float roundings in that logit change it by about 1e-5 of itself
 * on a correct kernel (seen on LeNet-5 at 0.9), while a wrong weight shows in the large outputs.
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
     * The largest difference {@code |e - a|} over the batch divided by the batch's largest
     * magnitude {@code max(|e|, |a|)} (0 when every value is 0; infinite where one side is NaN and
     * the other not), and where it is: {@code {difference, index}}; index -1 when equal.
     */
    public static double[] worst(float[] expected, float[] actual) {
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d;
            if (Float.isNaN(expected[i]) || Float.isNaN(actual[i])) {
                d = Float.isNaN(expected[i]) && Float.isNaN(actual[i]) ? 0 : Double.POSITIVE_INFINITY;
            } else {
                d = Math.abs(expected[i] - actual[i]);
                d = d == 0 ? 0 : d / scale;
            }
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        return new double[] {worst, at};
    }

    /**
     * The largest difference of single values relative to themselves, {@code |e - a| / max(|e|, |a|)}
     * (0 where both are below 1e-30): stricter than {@link #worst} on tiny outputs; what
     * {@code crespr infer} prints.
     */
    public static double maxRelative(float[] expected, float[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            if (scale > 1e-30) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / scale);
            }
        }
        return worst;
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
            throw new MismatchException(String.format(Locale.ROOT, "%s: outputs differ from DL4J's by %.2e of the "
                    + "batch's largest output (tolerance %.0e) at output %d: %s, DL4J %s; not benchmarking a wrong kernel", what, w[0], tolerance,
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
