package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import java.util.List;

/** Turning desired per-layer budgets into exact integer counts. */
final class Allocations {

    private Allocations() {
    }

    /** Weights kept in all layers for a target: {@code total - round(target * total)}. */
    static long keptTotal(Checkpoint c, double target) {
        return c.prunableCount() - Pruning.prunedCount(target, c.prunableCount());
    }

    /** Weights still kept (mask true) per layer: an upper bound, since pruning is monotone. */
    static long[] currentlyKept(Checkpoint c) {
        List<ParamTensor> w = c.weights();
        long[] k = new long[w.size()];
        for (int l = 0; l < k.length; l++) {
            k[l] = c.mask(w.get(l).name()).keptCount();
        }
        return k;
    }

    /**
     * Integer counts close to {@code desired}, each within [0, cap], summing to exactly
     * {@code total}: clamp, hand the excess or shortfall to the layers that still have room in
     * proportion to their desired share, then round by largest remainder.
     */
    static long[] exact(double[] desired, long[] cap, long total) {
        long capSum = 0;
        for (long x : cap) {
            capSum += x;
        }
        if (total > capSum) {
            throw new InvalidInputException("cannot keep " + total + " weights when only " + capSum + " remain unpruned");
        }
        int n = desired.length;
        double[] d = new double[n];
        boolean[] fixed = new boolean[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(0, desired[i]);
        }
        for (int iter = 0; iter <= n; iter++) {
            double free = total;
            double weight = 0;
            for (int i = 0; i < n; i++) {
                if (fixed[i]) {
                    free -= cap[i];
                } else {
                    weight += d[i];
                }
            }
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (!fixed[i]) {
                    d[i] = weight > 0 ? d[i] * free / weight : free / countFree(fixed);
                    if (d[i] > cap[i]) {
                        d[i] = cap[i];
                        fixed[i] = true;
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        long[] out = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            out[i] = Math.min(cap[i], (long) Math.floor(d[i]));
            sum += out[i];
        }
        // Largest remainder first; ties to the earlier layer, so the result is deterministic.
        while (sum < total) {
            int best = -1;
            double bestRem = -1;
            for (int i = 0; i < n; i++) {
                double rem = d[i] - out[i];
                if (out[i] < cap[i] && rem > bestRem) {
                    best = i;
                    bestRem = rem;
                }
            }
            out[best]++;
            sum++;
        }
        return out;
    }

    private static int countFree(boolean[] fixed) {
        int c = 0;
        for (boolean f : fixed) {
            c += f ? 0 : 1;
        }
        return Math.max(1, c);
    }
}
