package io.crespr.shared.hessian;

/**
 * How much of a layer Hessian lies outside its module blocks: the share of {@code ‖H‖²_F} on
 * input pairs of different modules, for the given partition and for random partitions with the
 * same block sizes. A module partition that captures real structure leaves a much smaller share
 * outside the blocks than random partitions do; that is the test of the claim that the Hessian
 * of a modular network is (nearly) block-diagonal.
 *
 * @param observed         the off-block share for the given partition, in [0, 1]
 * @param randomMean       the mean share over the random partitions
 * @param randomStd        their sample standard deviation (0 with fewer than two)
 * @param randomPartitions how many random partitions were drawn
 */
public record OffBlockShare(double observed, double randomMean, double randomStd, int randomPartitions) {

    /** Observed over random mean: well below 1 means block-structured; NaN with no random mean. */
    public double ratio() {
        return randomMean == 0 ? Double.NaN : observed / randomMean;
    }

    /** Standard deviations the observed share lies below the random mean (positive = more block-diagonal). */
    public double zScore() {
        return randomStd == 0 ? Double.NaN : (randomMean - observed) / randomStd;
    }
}
