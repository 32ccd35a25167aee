package io.crespr.shared.stage;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a schedule hit given sparsities exactly: each milestone replaces the first round that
 * reaches it (or is appended when no free round does), so one gradual run records every level
 * on its way with the training budget unchanged.
 */
final class ScheduleMilestones {

    private ScheduleMilestones() {
    }

    static double[] apply(double[] schedule, List<Double> milestones) {
        List<Double> s = new ArrayList<>();
        for (double v : schedule) {
            s.add(v);
        }
        int from = 0;
        for (double m : milestones) {
            int t = from;
            while (t < s.size() && s.get(t) < m - 1e-12) {
                t++;
            }
            if (t < s.size()) {
                s.set(t, m);
            } else {
                s.add(m);
            }
            from = t + 1;
        }
        // Rounds after the last milestone keep the schedule's value but never fall below it.
        double[] out = new double[s.size()];
        double floor = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(floor, s.get(i));
            floor = out[i];
        }
        return out;
    }
}
