package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Networks;
import java.nio.file.Path;

/** Small real networks and data for tests. */
final class Fixtures {

    private Fixtures() {
    }

    static DataSplit synthetic(long seed) {
        return Datasets.load("synthetic", Path.of("unused"), seed);
    }

    static Checkpoint mlp(String arch, DataSplit data, long seed) {
        return Checkpoints.init(Architecture.parse(arch), new Networks.Io(data.inputShape(), data.numClasses()),
                data.name(), seed);
    }
}
