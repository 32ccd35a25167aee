package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;

/** Checks shared by the schedules. */
final class Schedules {

    private Schedules() {
    }

    static void check(double target, int rounds) {
        if (!(target >= 0 && target < 1)) {
            throw new InvalidInputException("sparsity must be in [0, 1), got " + target);
        }
        if (rounds < 1) {
            throw new InvalidInputException("rounds must be >= 1, got " + rounds);
        }
    }
}
