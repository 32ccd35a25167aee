package io.crespr.shared.spi;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import java.util.Map;

/**
 * The prune stage: new masks that reach the requested sparsity. Pruning is monotone: a weight
 * pruned before stays pruned.
 */
public interface Pruner extends Plugin {

    /** @return one mask per weight array */
    Map<String, Mask> prune(Checkpoint checkpoint, Saliency saliency, PruneRequest request);
}
