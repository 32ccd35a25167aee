package io.crespr.shared.spi;

/** The sparsity of every pruning round on the way to the target. */
public interface Schedule extends Plugin {

    /**
     * @return {@code rounds} non-decreasing sparsities, the last equal to {@code target}
     */
    double[] sparsities(double target, int rounds, PluginOptions options);
}
