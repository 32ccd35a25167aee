package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.hessian.LayerInputs;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ObdScorerTest {

    @Test
    void saliencyIsTheReconstructionRiseOfRemovingTheWeightAlone() {
        DataSplit data = Fixtures.synthetic(3);
        Checkpoint c = Fixtures.mlp("mlp:16", data, 4);
        boolean[] keep = c.mask("1_W").keep().clone();
        keep[0] = false;
        keep[7] = false;
        c = Checkpoints.applyMasks(c, Map.of("1_W", new Mask("1_W", keep)), c.provenance());
        ObdScorer scorer = new ObdScorer();
        assertThat(scorer.name()).isEqualTo("obd");
        Saliency s = scorer.score(c, data, new PluginOptions("obd", Map.of("calibration", "250")), 8);
        assertThat(s.scorer()).isEqualTo("obd");
        LayerInputs inputs = LayerInputs.collect(c, data.train(), 250, 8);
        for (ParamTensor w : c.weights()) {
            INDArray x = inputs.matrix(w.name());
            int nIn = (int) w.shape()[0];
            int nOut = (int) w.shape()[1];
            float[] sw = s.values().get(w.name());
            for (int q = 0; q < nIn; q++) {
                for (int j = 0; j < nOut; j++) {
                    int i = q * nOut + j;
                    if (!c.mask(w.name()).keep()[i]) {
                        assertThat(sw[i]).isZero();
                        continue;
                    }
                    // ½·mean (x_q w_qj)²: the row's reconstruction error with w_qj alone set to 0.
                    double sum = 0;
                    for (int r = 0; r < x.size(0); r++) {
                        double e = x.getDouble(r, q) * w.values()[i];
                        sum += e * e;
                    }
                    double rise = 0.5 * sum / x.size(0);
                    assertThat((double) sw[i]).isCloseTo(rise, within(1e-5 * rise + 1e-30));
                }
            }
        }
        assertThat(s.values().get("1_W")[0]).isZero();
    }

    @Test
    void badInputIsRejectedWithTheBadValue() {
        DataSplit data = Fixtures.synthetic(3);
        Checkpoint c = Fixtures.mlp("mlp:8", data, 4);
        assertThat(new ObdScorer().optionNames()).containsExactly("calibration");
        assertThatThrownBy(() -> new ObdScorer().checkOptions(new PluginOptions("obd", Map.of("damping", "0.1"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown option 'damping' for obd");
        assertThatThrownBy(() -> new ObdScorer().checkOptions(new PluginOptions("obd", Map.of("calibration", "0"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("obd option calibration must be at least 1 sample, got 0");
        assertThatThrownBy(() -> new ObdScorer().score(c, data, new PluginOptions("obd", Map.of("calibration", "-3")), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("obd option calibration must be at least 1 sample, got -3");
    }
}
