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
