package io.crespr.shared.spi;

import io.crespr.shared.InvalidInputException;
import java.util.function.IntConsumer;

/**
 * What one train stage is asked to do.
 *
 * @param epochs       passes over the training set
 * @param batchSize    minibatch size
 * @param learningRate step size
 * @param seed         shuffling seed for this stage
 * @param round        pruning round (0 for dense training)
 * @param rounds       rounds in the schedule (penalties that grow with the round need it)
 * @param stage        the provenance stage name ({@code train} or {@code fine-tune})
 * @param options      the trainer's plan options
 * @param onIteration  called after every minibatch with the number done so far (progress bars)
 */
public record TrainRequest(int epochs, int batchSize, double learningRate, long seed, int round, int rounds, String stage,
        PluginOptions options, IntConsumer onIteration) {

    public TrainRequest {
        if (epochs < 0) {
            throw new InvalidInputException("epochs must be >= 0, got " + epochs);
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidInputException("learning rate must be a positive number, got " + learningRate);
        }
        if (onIteration == null) {
            onIteration = i -> { };
        }
    }
}
