package io.crespr.shared.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObsUpdateTest {

    private static final int N = 200;
    private static final int D = 12;
    private static final int OUT = 6;

    /** Rows with 2, 10, 12, 0, 6 and again 2 kept inputs: both solve paths, the trivial rows, a shared pattern. */
    private static boolean[] mask(WeightLayout layout) {
        int[] keptPerRow = {2, 10, 12, 0, 6, 2};
        boolean[] keep = new boolean[layout.inputs() * layout.outputs()];
        for (int j = 0; j < layout.outputs(); j++) {
            for (int q = 0; q < keptPerRow[j]; q++) {
                keep[layout.index((q * 5 + (j == 5 ? 0 : j)) % D, j)] = true;
            }
        }
        return keep;
    }

    @Test
    void predictedLossRiseEqualsMeasuredReconstructionRise() {
        double[][] x = BruteForce.correlatedData(N, D, 21);
        LayerHessian h = LayerHessian.of(BruteForce.toNd(x), 0);
        for (long[] shape : List.of(new long[] {D, OUT}, new long[] {OUT, 3, 2, 2})) {
            ParamTensor w = new ParamTensor("0_W", shape, BruteForce.randomWeights(D * OUT, 22));
            WeightLayout layout = WeightLayout.of(w);
            boolean[] keep = mask(layout);
            ObsUpdate.Result r = ObsUpdate.refit(w, keep, h);
            double total = 0;
            for (int j = 0; j < OUT; j++) {
                double[] oldRow = layout.row(w.values(), j);
                double[] newRow = layout.row(r.weights().values(), j);
                boolean[] keepRow = layout.row(keep, j);
                for (int q = 0; q < D; q++) {
                    if (!keepRow[q]) {
                        assertThat(newRow[q]).isZero();
                    }
                }
                double measured = BruteForce.reconstructionRise(x, newRow, oldRow);
                assertThat(r.rowLossRise()[j]).as("row %d", j).isCloseTo(measured, within(1e-9 * (1 + measured)));
                // And the re-fit is the least-squares optimum (to float rounding of the weights).
                double[] ls = BruteForce.refit(x, oldRow, keepRow, 0);
                double best = BruteForce.reconstructionRise(x, ls, oldRow);
                assertThat(measured).as("row %d", j).isCloseTo(best, within(1e-6 * (1 + best)));
                for (int q = 0; q < D; q++) {
                    assertThat(newRow[q]).isCloseTo(ls[q], within(1e-5 * (1 + Math.abs(ls[q]))));
                }
                total += measured;
            }
            assertThat(r.lossRise()).isCloseTo(total, within(1e-9 * total));
            assertThat(r.rowLossRise()[2]).isZero(); // nothing pruned
        }
    }

    @Test
    void dampedRefitSolvesTheRidgeProblemAndStillReportsTheTrueRise() {
        double[][] x = BruteForce.correlatedData(N, D, 23);
        LayerHessian h = LayerHessian.of(BruteForce.toNd(x), 0.1);
        ParamTensor w = new ParamTensor("0_W", new long[] {D, OUT}, BruteForce.randomWeights(D * OUT, 24));
        WeightLayout layout = WeightLayout.of(w);
        boolean[] keep = mask(layout);
        ObsUpdate.Result r = ObsUpdate.refit(w, keep, h);
        for (int j = 0; j < OUT; j++) {
            double[] oldRow = layout.row(w.values(), j);
            double[] newRow = layout.row(r.weights().values(), j);
            double[] ridge = BruteForce.refit(x, oldRow, layout.row(keep, j), h.dampingAdded());
            for (int q = 0; q < D; q++) {
                assertThat(newRow[q]).isCloseTo(ridge[q], within(1e-5 * (1 + Math.abs(ridge[q]))));
            }
            double measured = BruteForce.reconstructionRise(x, newRow, oldRow);
            assertThat(r.rowLossRise()[j]).isCloseTo(measured, within(1e-9 * (1 + measured)));
        }
    }

    @Test
    void refitAllCoversEveryMaskedLayerAndRejectsMismatches() {
        double[][] x = BruteForce.correlatedData(N, D, 25);
        LayerHessian h = LayerHessian.of(BruteForce.toNd(x), 0.01);
        ParamTensor w = new ParamTensor("0_W", new long[] {D, OUT}, BruteForce.randomWeights(D * OUT, 26));
        boolean[] keep = mask(WeightLayout.of(w));
        Map<String, ObsUpdate.Result> all = ObsUpdate.refitAll(List.of(w), Map.of("0_W", new Mask("0_W", keep)),
                Map.of("0_W", h));
        assertThat(all).containsOnlyKeys("0_W");
        assertThat(all.get("0_W").weights().values()).containsExactly(ObsUpdate.refit(w, keep, h).weights().values());
        assertThatThrownBy(() -> ObsUpdate.refit(w, new boolean[3], h))
                .isInstanceOf(InvalidInputException.class).hasMessage("mask of 0_W has 3 entries, the weight has 72");
        ParamTensor wide = new ParamTensor("1_W", new long[] {D + 1, 2}, new float[2 * (D + 1)]);
        assertThatThrownBy(() -> ObsUpdate.refit(wide, new boolean[2 * (D + 1)], h))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Hessian of dimension 12 does not fit 1_W with 13 inputs");
    }
}
