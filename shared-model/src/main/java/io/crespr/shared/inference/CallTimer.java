package io.crespr.shared.inference;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Times a call the way the inference figures are measured: a warm-up, then timed runs, the median. */
public final class CallTimer {

    private CallTimer() {
    }

    /**
     * Nanoseconds per call.
     *
     * @param inputs    what each call gets, cycled through
     * @param call      the call
     * @param warmNanos the warm-up lasts at least this long, and at least {@code minPasses} passes
     * @param minPasses passes over the inputs in the warm-up, at the least
     * @param repeats   timed runs; the median counts
     * @param runNanos  each timed run lasts at least this long
     */
    public static <T> double medianNanosPerCall(List<T> inputs, Consumer<T> call, long warmNanos, int minPasses,
            int repeats, long runNanos) {
        long warm = System.nanoTime();
        int passes = 0;
        while (passes < minPasses || System.nanoTime() - warm < warmNanos) {
            inputs.forEach(call);
            passes++;
        }
        double[] perCall = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long calls = 0;
            long t0 = System.nanoTime();
            long t;
            do {
                inputs.forEach(call);
                calls += inputs.size();
                t = System.nanoTime();
            } while (t - t0 < runNanos);
            perCall[r] = (double) (t - t0) / calls;
        }
        Arrays.sort(perCall);
        return perCall[repeats / 2];
    }
}
