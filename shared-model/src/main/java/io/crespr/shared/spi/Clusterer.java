package io.crespr.shared.spi;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;

/** The cluster stage: assigns input features, hidden units and classes to modules. */
public interface Clusterer extends Plugin {

    ModuleMap cluster(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed);
}
