package io.crespr.shared.spi;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import java.util.Map;

/**
 * The evaluate stage: a plugin contributes named metrics (numbers, lists or maps that JSON can
 * hold) about a checkpoint. The results of all evaluators of a plan are merged.
 */
public interface Evaluator extends Plugin {

    Map<String, Object> evaluate(Checkpoint checkpoint, DataSplit data, PluginOptions options);
}
