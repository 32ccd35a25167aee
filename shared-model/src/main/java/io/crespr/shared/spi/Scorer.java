package io.crespr.shared.spi;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;

/** The score stage: a saliency for every prunable weight. */
public interface Scorer extends Plugin {

    Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed);
}
