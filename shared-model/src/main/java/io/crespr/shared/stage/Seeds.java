package io.crespr.shared.stage;

import java.util.SplittableRandom;

/**
 * Seeds of the job's random streams, derived from the plan's seed by purpose and round, so a
 * stream does not depend on how many others were drawn before it (and a dense model depends
 * only on the seed, not on the pruning method that follows).
 */
public final class Seeds {

    private Seeds() {
    }

    public static long derive(long seed, String purpose, int round) {
        long mixed = seed * 0x9E3779B97F4A7C15L + purpose.hashCode() * 0xC2B2AE3D27D4EB4FL + round;
        return new SplittableRandom(mixed).nextLong();
    }
}
