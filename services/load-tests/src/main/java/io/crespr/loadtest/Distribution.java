package io.crespr.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Durations recorded into an HdrHistogram (microseconds, 3 significant digits: a percentile is
 * within 0.1 % of the exact value). Percentiles never exceed the exact maximum, so
 * p50 ≤ p95 ≤ p99 ≤ max holds for any input. Not thread-safe: record from one thread, or
 * synchronise outside.
 */
final class Distribution {

    private final Histogram histogram = new Histogram(3);
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros;
    private double sumMicros;

    /** Records a duration in seconds; negative values count as zero. */
    void recordSeconds(double seconds) {
        recordMicros(Math.round(Math.max(0, seconds) * 1e6));
    }

    void recordMillis(double millis) {
        recordMicros(Math.round(Math.max(0, millis) * 1e3));
    }

    void recordMicros(long micros) {
        long v = Math.max(0, micros);
        histogram.recordValue(v);
        minMicros = Math.min(minMicros, v);
        maxMicros = Math.max(maxMicros, v);
        sumMicros += v;
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The value at {@code percentile} (0–100), in microseconds, at most the exact maximum. */
    long percentileMicros(double percentile) {
        if (count() == 0) {
            return 0;
        }
        return Math.min(maxMicros, histogram.getValueAtPercentile(percentile));
    }

    /** Count, min, mean, p50, p95, p99 and max, in milliseconds. */
    Summary millis() {
        return summary(1e3);
    }

    /** The same in seconds. */
    Summary seconds() {
        return summary(1e6);
    }

    private Summary summary(double unit) {
        long n = count();
        if (n == 0) {
            return new Summary(0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new Summary(n, minMicros / unit, sumMicros / n / unit, percentileMicros(50) / unit,
                percentileMicros(95) / unit, percentileMicros(99) / unit, maxMicros / unit, sumMicros / unit);
    }

    /** A distribution's figures in one unit (milliseconds or seconds, as asked). */
    record Summary(long count, double min, double mean, double p50, double p95, double p99, double max, double sum) {
    }
}
