package io.crespr.shared.spi;

import io.crespr.shared.InvalidInputException;

/**
 * What one prune stage is asked to do.
 *
 * @param targetSparsity    share of prunable weights to be zero after this round, in [0, 1)
 * @param options           the pruner's plan options
 * @param allocator         the per-layer budget plugin (layer-wise pruners use it)
 * @param allocatorOptions  its options
 * @param round             the pruning round, from 1
 */
public record PruneRequest(double targetSparsity, PluginOptions options, Allocator allocator,
        PluginOptions allocatorOptions, int round) {

    public PruneRequest {
        if (!(targetSparsity >= 0 && targetSparsity < 1)) {
            throw new InvalidInputException("sparsity must be in [0, 1), got " + targetSparsity);
        }
    }
}
