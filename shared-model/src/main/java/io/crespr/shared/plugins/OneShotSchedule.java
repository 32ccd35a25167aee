package io.crespr.shared.plugins;

import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Schedule;
import java.util.Arrays;

/** {@code one-shot}: the target in the first round; later rounds only fine-tune. */
public final class OneShotSchedule implements Schedule {

    @Override
    public String name() {
        return "one-shot";
    }

    @Override
    public String description() {
        return "prune to the target at once; remaining rounds fine-tune";
    }

    @Override
    public double[] sparsities(double target, int rounds, PluginOptions options) {
        Schedules.check(target, rounds);
        double[] s = new double[rounds];
        Arrays.fill(s, target);
        return s;
    }
}
