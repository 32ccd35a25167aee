package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.spi.TrainRequest;
import io.crespr.shared.spi.Trainer;
import org.nd4j.linalg.learning.config.Adam;

/** {@code adam}: Adam (Kingma and Ba 2015), masked. Options: {@code beta1}, {@code beta2}, {@code epsilon}. */
public final class AdamTrainer implements Trainer {

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("beta1", "beta2", "epsilon", "l1", "l1Growth", "l1Scope", "l1Inter");
    }

    @Override
    public void checkOptions(io.crespr.shared.spi.PluginOptions options) {
        Trainer.super.checkOptions(options);
        updater(new io.crespr.shared.spi.TrainRequest(1, 1, 1e-3, 0, 0, 1, "check", options, null));
        SparsityPenalty.checkSettings(options);
    }

    @Override
    public String description() {
        return "Adam (Kingma & Ba 2015) with masks enforced on gradient, optimizer state and weights";
    }

    @Override
    public Checkpoint train(Checkpoint start, DataSplit data, TrainRequest request) {
        return MaskedTraining.run(start, data, request, updater(request), name());
    }

    static Adam updater(TrainRequest r) {
        return new Adam(r.learningRate(), r.options().number("beta1", Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY),
                r.options().number("beta2", Adam.DEFAULT_ADAM_BETA2_VAR_DECAY),
                r.options().number("epsilon", Adam.DEFAULT_ADAM_EPSILON));
    }
}
