package io.crespr.shared.spi;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;

/**
 * The train stage: dense training, and masked fine-tuning when the checkpoint carries masks.
 * A trainer must keep every pruned weight exactly zero at every step, optimizer state included.
 */
public interface Trainer extends Plugin {

    /**
     * Trains on {@code data.train()} and returns a new checkpoint (same masks and modules,
     * new weights and provenance).
     */
    Checkpoint train(Checkpoint start, DataSplit data, TrainRequest request);
}
