package io.crespr.shared.spi;

import io.crespr.shared.model.Checkpoint;

/**
 * How many weights each layer keeps: the per-layer budget behind a sparsity target. At extreme
 * sparsity this is the biggest single lever (which layer gets the few surviving weights), so it
 * is a plugin of its own that every layer-wise pruner uses.
 */
public interface Allocator extends Plugin {

    /**
     * @param saliency       the round's saliency (some allocators rank it, others ignore it)
     * @param targetSparsity share of all prunable weights to prune, in [0, 1)
     * @return kept weights per weight array, in {@link Checkpoint#weights()} order, summing to
     *         exactly {@code total - round(targetSparsity * total)}, each within [0, layer size]
     */
    long[] keep(Checkpoint checkpoint, Saliency saliency, double targetSparsity, PluginOptions options);
}
