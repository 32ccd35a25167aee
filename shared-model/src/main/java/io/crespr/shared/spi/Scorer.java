package io.crespr.shared.spi;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;

/** The score stage: a saliency for every prunable weight. */
public interface Scorer extends Plugin {

    Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed);

    /**
     * After the pruner has chosen the masks: an update of the surviving weights that this scorer's
     * model of the loss calls for (layer-wise OBS re-fits every row). The default changes nothing.
     *
     * @param before the checkpoint that was scored
     * @param pruned {@code before} with the new masks applied
     * @return {@code pruned}, or a checkpoint with the same masks and re-fitted survivors
     */
    default Checkpoint update(Checkpoint before, Checkpoint pruned, DataSplit data, PluginOptions options, long seed) {
        return pruned;
    }
}
