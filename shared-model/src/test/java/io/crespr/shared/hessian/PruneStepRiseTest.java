package io.crespr.shared.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruneStepRiseTest {

    private static Checkpoint pruneHalfOf(Checkpoint c, int layer) {
        ParamTensor w = c.weights().get(layer);
        boolean[] keep = new boolean[w.size()];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = i % 2 == 0;
        }
        Map<String, Mask> masks = new LinkedHashMap<>(c.masks());
        masks.put(w.name(), new Mask(w.name(), keep));
        return Checkpoints.applyMasks(c, masks, c.provenance());
    }

    @Test
    void onTheSameSamplesTheFirstLayersPredictionIsExactAndLaterLayersShowTheErrorThatTravels() {
        DataSplit d = Datasets.load("synthetic", null, 3);
        // Validation = training split, so calibration and measurement see the same samples.
        DataSplit same = new DataSplit(d.name(), d.train(), d.train(), d.test());
        Checkpoint c = Checkpoints.init(Architecture.parse("mlp:24,12"), new Networks.Io(d.inputShape(), d.numClasses()),
                "synthetic", 5, 1);
        Checkpoint pruned = pruneHalfOf(c, 0);
        Map<String, Object> r = PruneStepRise.measure(c, pruned, same, 400, 9);
        @SuppressWarnings("unchecked")
        Map<String, Double> predicted = (Map<String, Double>) r.get("predictedRiseByLayer");
        @SuppressWarnings("unchecked")
        Map<String, Double> measured = (Map<String, Double>) r.get("measuredRiseByLayer");
        String first = c.weights().get(0).name();
        String second = c.weights().get(1).name();
        assertThat(predicted.get(first)).isPositive();
        assertThat(measured.get(first)).isCloseTo(predicted.get(first), within(1e-4 * predicted.get(first)));
        // Nothing of the second layer was pruned: no local rise predicted, yet its output moved.
        assertThat(predicted.get(second)).isZero();
        assertThat(measured.get(second)).isPositive();
        assertThat((double) r.get("measuredRise")).isGreaterThan((double) r.get("predictedRise"));
    }

    @Test
    void aStepThatPrunesNothingCostsNothing() {
        DataSplit d = Datasets.load("synthetic", null, 3);
        Checkpoint c = Checkpoints.init(Architecture.parse("mlp:16"), new Networks.Io(d.inputShape(), d.numClasses()),
                "synthetic", 5, 1);
        Map<String, Object> r = PruneStepRise.measure(c, c, d, 200, 9);
        assertThat((double) r.get("predictedRise")).isZero();
        assertThat((double) r.get("measuredRise")).isZero();
        assertThat((double) r.get("validationLossRise")).isZero();
        assertThat((double) r.get("validationLossBefore")).isPositive();
    }
}
