package io.crespr.shared.plugins;

import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Schedule;

/**
 * {@code geometric}: the density falls by the same factor every round (iterative magnitude
 * pruning, Han et al. 2015): {@code s_t = 1 - (1 - target)^(t/T)}.
 */
public final class GeometricSchedule implements Schedule {

    @Override
    public String name() {
        return "geometric";
    }

    @Override
    public String description() {
        return "density shrinks by a constant factor each round";
    }

    @Override
    public double[] sparsities(double target, int rounds, PluginOptions options) {
        Schedules.check(target, rounds);
        double[] s = new double[rounds];
        for (int t = 1; t <= rounds; t++) {
            s[t - 1] = t == rounds ? target : 1 - Math.pow(1 - target, (double) t / rounds);
        }
        return s;
    }
}
