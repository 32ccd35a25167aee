package io.crespr.shared.plugins;

import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Schedule;

/**
 * {@code cubic}: gradual pruning of Zhu and Gupta (2017, eq. 1),
 * {@code s_t = s_f + (s_i - s_f)(1 - t/T)^3}, with initial sparsity {@code s_i} (option
 * {@code initial}, default 0): large steps first, small steps near the target.
 */
public final class CubicSchedule implements Schedule {

    @Override
    public String name() {
        return "cubic";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("initial");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Schedule.super.checkOptions(options);
        double i = options.number("initial", 0);
        if (!(i >= 0 && i < 1)) {
            throw new io.crespr.shared.InvalidInputException("cubic option initial must be in [0, 1), got " + i);
        }
    }

    @Override
    public String description() {
        return "Zhu & Gupta (2017) cubic gradual schedule";
    }

    @Override
    public double[] sparsities(double target, int rounds, PluginOptions options) {
        Schedules.check(target, rounds);
        double initial = options.number("initial", 0);
        double[] s = new double[rounds];
        for (int t = 1; t <= rounds; t++) {
            double r = 1 - (double) t / rounds;
            s[t - 1] = t == rounds ? target : target + (initial - target) * r * r * r;
        }
        return s;
    }
}
