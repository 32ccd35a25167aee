package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.Predictions;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code accuracy}: test and validation accuracy, test recall per class and the worst class.
 * Metric keys: {@code testAccuracy}, {@code validationAccuracy}, {@code recallPerClass},
 * {@code worstClass}, {@code worstClassRecall}.
 */
public final class AccuracyEvaluator implements Evaluator {

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public String description() {
        return "test and validation accuracy, per-class recall, worst class";
    }

    @Override
    public Map<String, Object> evaluate(Checkpoint c, DataSplit data, PluginOptions options) {
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        Map<String, Object> m = new LinkedHashMap<>();
        int[] test = Predictions.predict(net, data.test());
        m.put("testAccuracy", Predictions.accuracy(test, data.test().labels()));
        if (data.validation().size() > 0) {
            m.put("validationAccuracy",
                    Predictions.accuracy(Predictions.predict(net, data.validation()), data.validation().labels()));
        }
        double[] recall = Predictions.recallPerClass(test, data.test().labels(), data.numClasses());
        List<Double> r = new ArrayList<>();
        int worst = -1;
        for (int k = 0; k < recall.length; k++) {
            r.add(Double.isNaN(recall[k]) ? null : recall[k]);
            if (!Double.isNaN(recall[k]) && (worst < 0 || recall[k] < recall[worst])) {
                worst = k;
            }
        }
        m.put("recallPerClass", r);
        m.put("worstClass", worst);
        m.put("worstClassRecall", worst < 0 ? null : recall[worst]);
        return m;
    }
}
