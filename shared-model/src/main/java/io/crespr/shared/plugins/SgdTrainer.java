package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.spi.TrainRequest;
import io.crespr.shared.spi.Trainer;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** {@code sgd}: plain SGD, or Nesterov momentum with option {@code momentum} &gt; 0; masked. */
public final class SgdTrainer implements Trainer {

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("momentum", "l1", "l1Growth", "l1Scope", "l1Inter");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Trainer.super.checkOptions(options);
        if (options.number("momentum", 0) < 0) {
            throw new io.crespr.shared.InvalidInputException("sgd option momentum must be >= 0, got " + options.number("momentum", 0));
        }
        SparsityPenalty.checkSettings(options);
    }

    @Override
    public String description() {
        return "stochastic gradient descent (option momentum for Nesterov) with masks enforced";
    }

    @Override
    public Checkpoint train(Checkpoint start, DataSplit data, TrainRequest request) {
        double momentum = request.options().number("momentum", 0);
        return MaskedTraining.run(start, data, request,
                momentum > 0 ? new Nesterovs(request.learningRate(), momentum) : new Sgd(request.learningRate()),
                name());
    }
}
