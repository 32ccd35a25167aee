package io.crespr.loadtest;

import io.crespr.shared.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much load, and how it arrives: at most {@code jobs} jobs, paced at {@code ratePerSecond}
 * (0: no pacing), at most {@code concurrency} in flight (0: no bound), submitted within
 * {@code duration} (null: until all are submitted); every job must end within {@code deadline}
 * of the last submission, or it counts as lost.
 */
record LoadSpec(String scenario, int jobs, double ratePerSecond, int concurrency, Duration duration, Duration deadline) {

    /** Hard caps: a load test is bounded in count and in time, whatever the flags say. */
    static final int MAX_JOBS = 10_000;
    static final double MAX_RATE_PER_SECOND = 100;
    static final Duration MAX_TIME = Duration.ofHours(24);

    static final List<String> SCENARIOS = List.of("smoke", "steady", "burst", "soak");

    /** A scenario's defaults, before any flag. */
    static LoadSpec defaults(String scenario) {
        if (scenario == null) {
            throw new InvalidInputException("--scenario is required: one of " + String.join(", ", SCENARIOS));
        }
        return switch (scenario) {
            // a few tiny jobs at once: seconds
            case "smoke" -> new LoadSpec("smoke", 3, 0, 0, null, Duration.ofMinutes(2));
            // an open loop: N jobs at a fixed rate, whatever the pipeline's pace
            case "steady" -> new LoadSpec("steady", 20, 0.2, 0, null, Duration.ofMinutes(10));
            // N jobs at once
            case "burst" -> new LoadSpec("burst", 20, 0, 0, null, Duration.ofMinutes(30));
            // a closed loop bounded in time: C jobs in flight, a new one as soon as one ends
            case "soak" -> new LoadSpec("soak", MAX_JOBS, 0, 2, Duration.ofMinutes(10), Duration.ofMinutes(10));
            default -> throw new InvalidInputException("unknown scenario '" + scenario + "'; known: "
                    + String.join(", ", SCENARIOS));
        };
    }

    /** The scenario with the flags that were given (null: keep the default), checked against the caps. */
    LoadSpec with(Integer jobsFlag, Double rateFlag, Integer concurrencyFlag, String durationFlag, String deadlineFlag) {
        int n = jobsFlag != null ? jobsFlag : jobs;
        double r = rateFlag != null ? rateFlag : ratePerSecond;
        int c = concurrencyFlag != null ? concurrencyFlag : concurrency;
        Duration d = durationFlag != null ? parseDuration("--duration", durationFlag) : duration;
        Duration dl = deadlineFlag != null ? parseDuration("--deadline", deadlineFlag) : deadline;
        if (n < 1 || n > MAX_JOBS) {
            throw new InvalidInputException("--jobs must be 1 to " + MAX_JOBS + ", got " + n);
        }
        if (!(r >= 0) || r > MAX_RATE_PER_SECOND || Double.isInfinite(r)) {
            throw new InvalidInputException("--rate must be 0 (no pacing) to " + (int) MAX_RATE_PER_SECOND
                    + " jobs per second, got " + fmt(r));
        }
        if (c < 0 || c > MAX_JOBS) {
            throw new InvalidInputException("--concurrency must be 0 (no bound) to " + MAX_JOBS + ", got " + c);
        }
        if (d != null && d.isZero()) {
            throw new InvalidInputException("--duration must be positive");
        }
        if (dl.isZero()) {
            throw new InvalidInputException("--deadline must be positive");
        }
        Duration window = d != null ? d : r > 0 ? Duration.ofMillis((long) Math.ceil((n - 1) / r * 1000)) : Duration.ZERO;
        if (d != null && d.compareTo(MAX_TIME) > 0) {
            throw new InvalidInputException("--duration must be at most 24 h, got " + human(d));
        }
        if (dl.compareTo(MAX_TIME) > 0) {
            throw new InvalidInputException("--deadline must be at most 24 h, got " + human(dl));
        }
        if (window.plus(dl).compareTo(MAX_TIME) > 0) {
            throw new InvalidInputException("the run would last up to " + human(window.plus(dl)) + " (submitting "
                    + human(window) + ", then waiting up to " + human(dl) + "); a load test lasts at most 24 h");
        }
        return new LoadSpec(scenario, n, r, c, d, dl);
    }

    /** How the load arrives, in words. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(duration != null ? "up to " : "").append(jobs).append(" job").append(jobs == 1 ? "" : "s");
        if (ratePerSecond > 0) {
            sb.append(String.format(Locale.ROOT, " at %s/s", fmt(ratePerSecond)));
        } else if (concurrency == 0 || concurrency >= jobs) {
            sb.append(" at once");
        }
        if (concurrency > 0 && concurrency < jobs) {
            sb.append(", at most ").append(concurrency).append(" in flight");
        }
        if (duration != null) {
            sb.append(", submitted for ").append(human(duration));
        }
        sb.append(", deadline ").append(human(deadline)).append(" after the last submission");
        return sb.toString();
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    /** {@code 90}, {@code 90s}, {@code 1.5m}, {@code 2h}, {@code 500ms}; a bare number is seconds. */
    static Duration parseDuration(String flag, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidInputException(flag + " must be a duration such as 90, 90s, 10m or 2h, got '" + text + "'");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1e3;
            case "m" -> v * 60e3;
            default -> v * 3600e3;
        };
        if (millis > 10 * MAX_TIME.toMillis()) {
            throw new InvalidInputException(flag + " must be at most 24 h, got '" + text + "'");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        if (s < 120) {
            return fmt(d.toMillis() / 1000.0) + " s";
        }
        if (s < 7200) {
            return fmt(d.toMillis() / 60000.0) + " min";
        }
        return fmt(d.toMillis() / 3600000.0) + " h";
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
