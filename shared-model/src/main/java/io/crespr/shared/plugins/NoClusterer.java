package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.PluginOptions;

/** {@code none}: no modules; the whole network is one block. */
public final class NoClusterer implements Clusterer {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "no modules (unstructured pruning)";
    }

    @Override
    public ModuleMap cluster(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        return ModuleMap.EMPTY;
    }
}
