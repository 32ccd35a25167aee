package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.hessian.BruteForce;
import io.crespr.shared.hessian.LayerHessian;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObsScorerTest {

    private static final int N = 200;
    private static final int D = 12;
    private static final int OUT = 5;

    /** An mlp:5 on 12 inputs (first weight [12, 5]) with random float weights. */
    private static Checkpoint small(ModuleMap modules) {
        Checkpoint c = Checkpoints.init(Architecture.parse("mlp:5"), new Networks.Io(new int[] {D}, 3), "x", 1);
        List<ParamTensor> params = new ArrayList<>();
        for (ParamTensor p : c.params()) {
            params.add(p.name().equals("0_W") ? p.withValues(BruteForce.randomWeights(D * OUT, 31)) : p);
        }
        return c.derive("small", params, Map.of(), modules, c.provenance());
    }

    private static Map<String, LayerHessian> hessians(double[][] x, double damping) {
        return Map.of("0_W", LayerHessian.of(BruteForce.toNd(x), damping),
                "1_W", LayerHessian.of(BruteForce.toNd(BruteForce.correlatedData(N, OUT, 32)), damping));
    }

    private static double[] row(Checkpoint c, int j) {
        double[] r = new double[D];
        for (int q = 0; q < D; q++) {
            r[q] = c.param("0_W").values()[q * OUT + j];
        }
        return r;
    }

    @Test
    void saliencyIsTheReconstructionRiseOfRemovingTheWeightAndRefittingItsRow() {
        double[][] x = BruteForce.correlatedData(N, D, 33);
        Checkpoint c = small(ModuleMap.EMPTY);
        float[] s = ObsScorer.saliency(c, hessians(x, 0)).values().get("0_W");
        for (int j = 0; j < OUT; j++) {
            double[] old = row(c, j);
            for (int q = 0; q < D; q++) {
                boolean[] keep = allBut(q);
                double rise = BruteForce.reconstructionRise(x, BruteForce.refit(x, old, keep, 0), old);
                assertThat((double) s[q * OUT + j]).as("q=%d j=%d", q, j).isCloseTo(rise, within(1e-6 * rise));
            }
        }
    }

    @Test
    void dampingIsAccountedForExactlyAsARidge() {
        double[][] x = BruteForce.correlatedData(N, D, 34);
        Checkpoint c = small(ModuleMap.EMPTY);
        Map<String, LayerHessian> h = hessians(x, 0.2);
        double delta = h.get("0_W").dampingAdded();
        float[] s = ObsScorer.saliency(c, h).values().get("0_W");
        for (int j = 0; j < OUT; j++) {
            double[] old = row(c, j);
            for (int q = 0; q < D; q++) {
                double[] refit = BruteForce.refit(x, old, allBut(q), delta);
                double rise = BruteForce.dampedRise(x, refit, old, delta);
                assertThat((double) s[q * OUT + j]).isCloseTo(rise, within(1e-6 * rise));
            }
        }
    }

    @Test
    void intraModuleWeightsAreCompensatedWithinTheirModuleBlock() {
        int[] inputs = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1, -1};
        int[] hidden = {0, 0, 1, 1, 1};
        ModuleMap modules = new ModuleMap(2, List.of(inputs, hidden, new int[] {-1, -1, -1}));
        double[][] x = BruteForce.correlatedData(N, D, 35);
        Checkpoint c = small(modules);
        float[] s = ObsScorer.saliency(c, hessians(x, 0)).values().get("0_W");
        for (int j = 0; j < OUT; j++) {
            double[] old = row(c, j);
            for (int q = 0; q < D; q++) {
                int m = inputs[q] == -1 ? hidden[j] : inputs[q] == hidden[j] ? hidden[j] : -1;
                double rise;
                if (m < 0) {
                    rise = BruteForce.reconstructionRise(x, BruteForce.refit(x, old, allBut(q), 0), old);
                } else {
                    // Only the block (module m's inputs and the shared ones) moves; the rest stays.
                    double[][] xb = new double[N][D];
                    double[] wb = new double[D];
                    boolean[] keep = new boolean[D];
                    for (int k = 0; k < D; k++) {
                        boolean inBlock = inputs[k] == m || inputs[k] == -1;
                        keep[k] = inBlock && k != q;
                        wb[k] = inBlock ? old[k] : 0;
                        for (int i = 0; i < N; i++) {
                            xb[i][k] = inBlock ? x[i][k] : 0;
                        }
                    }
                    rise = BruteForce.reconstructionRise(xb, BruteForce.refit(xb, wb, keep, 0), wb);
                }
                assertThat((double) s[q * OUT + j]).as("q=%d j=%d module %d", q, j, m)
                        .isCloseTo(rise, within(1e-6 * rise));
            }
        }
    }

    @Test
    void singularHessianGivesFiniteSaliencies() {
        double[][] x = BruteForce.correlatedData(N, D, 36);
        for (double[] r : x) {
            r[4] = r[2];
            r[9] = 0;
        }
        Map<String, LayerHessian> h = hessians(x, 0.01);
        float[] s = ObsScorer.saliency(small(ModuleMap.EMPTY), h).values().get("0_W");
        assertThat(h.get("0_W").singular()).isTrue();
        for (float v : s) {
            assertThat(v).isFinite().isNotNegative();
        }
    }

    @Test
    void scoresRealNetworksWithPrunedWeightsAtZero() {
        DataSplit data = Fixtures.synthetic(3);
        Checkpoint c = Fixtures.mlp("mlp:16", data, 4);
        boolean[] keep = c.mask("0_W").keep().clone();
        for (int i = 0; i < keep.length; i += 3) {
            keep[i] = false;
        }
        Checkpoint pruned = Checkpoints.applyMasks(c, Map.of("0_W", new Mask("0_W", keep)), c.provenance());
        ObsScorer scorer = new ObsScorer();
        assertThat(scorer.name()).isEqualTo("obs");
        Saliency s = scorer.score(pruned, data, new PluginOptions("obs", Map.of("calibration", "300")), 5);
        assertThat(s.scorer()).isEqualTo("obs");
        assertThat(s.values()).containsOnlyKeys("0_W", "1_W");
        float[] s0 = s.values().get("0_W");
        for (int i = 0; i < s0.length; i++) {
            assertThat(s0[i]).isFinite().isNotNegative();
            if (!keep[i]) {
                assertThat(s0[i]).isZero();
            }
        }
        // Deterministic for a seed.
        assertThat(scorer.score(pruned, data, new PluginOptions("obs", Map.of("calibration", "300")), 5).values()
                .get("0_W")).containsExactly(s0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theUpdateAfterPruningKeepsTheMasksAndLowersEveryLayersReconstructionRise() {
        DataSplit data = Fixtures.synthetic(3);
        // Validation = training split, so the predicted rise is measured on the samples OBS fitted.
        DataSplit same = new DataSplit(data.name(), data.train(), data.train(), data.test());
        Checkpoint c = Fixtures.mlp("mlp:16", data, 4);
        Map<String, Mask> masks = new java.util.LinkedHashMap<>();
        for (ParamTensor w : c.weights()) {
            boolean[] keep = new boolean[w.size()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = Math.floorMod(i * 7 + 3, 10) < 3;
            }
            masks.put(w.name(), new Mask(w.name(), keep));
        }
        Checkpoint pruned = Checkpoints.applyMasks(c, masks, c.provenance());
        int all = data.train().size();
        PluginOptions refit = new PluginOptions("obs", Map.of("calibration", String.valueOf(all)));
        Checkpoint updated = new ObsScorer().update(c, pruned, same, refit, 5);
        assertThat(updated.masks()).isEqualTo(pruned.masks());
        for (ParamTensor w : updated.weights()) {
            boolean[] keep = updated.mask(w.name()).keep();
            for (int i = 0; i < keep.length; i++) {
                if (!keep[i]) {
                    assertThat(w.values()[i]).isZero();
                }
            }
            assertThat(w.values()).isNotEqualTo(pruned.param(w.name()).values());
        }
        Map<String, Double> plain = (Map<String, Double>) io.crespr.shared.hessian.PruneStepRise
                .measure(c, pruned, same, all, 1).get("predictedRiseByLayer");
        Map<String, Double> fitted = (Map<String, Double>) io.crespr.shared.hessian.PruneStepRise
                .measure(c, updated, same, all, 1).get("predictedRiseByLayer");
        plain.forEach((name, rise) -> assertThat(fitted.get(name)).as(name).isLessThan(rise));
        // refit=false leaves the survivors alone.
        assertThat(new ObsScorer().update(c, pruned, same, new PluginOptions("obs", Map.of("refit", "false")), 5))
                .isSameAs(pruned);
    }

    @Test
    void convolutionWeightsUseTheirPatchEntry() {
        DataSplit mnist = Datasets.load(Datasets.MNIST_MINI, null, 1);
        Checkpoint c = Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                Datasets.MNIST_MINI, 6);
        Saliency s = new ObsScorer().score(c, mnist, new PluginOptions("obs", Map.of("calibration", "12")), 7);
        assertThat(s.values()).containsOnlyKeys("0_W", "2_W", "4_W", "5_W");
        double[] inv = LayerHessian.collect(c, mnist.train(), 12, LayerHessian.DEFAULT_DAMPING, 7).get("2_W")
                .inverseDiagonal();
        float[] w = c.param("2_W").values();
        float[] s2 = s.values().get("2_W");
        int patch = 20 * 5 * 5;
        for (int i = 0; i < s2.length; i += 997) {
            int q = i % patch; // [nOut, C, kh, kw]: index j·C·kh·kw + q
            assertThat((double) s2[i]).isCloseTo(0.5 * w[i] * w[i] / inv[q], within(1e-6 * s2[i] + 1e-30));
        }
        for (float[] v : s.values().values()) {
            for (float f : v) {
                assertThat(f).isFinite().isNotNegative();
            }
        }
    }

    @Test
    void badInputIsRejectedWithTheBadValue() {
        DataSplit data = Fixtures.synthetic(3);
        Checkpoint c = Fixtures.mlp("mlp:8", data, 4);
        ObsScorer scorer = new ObsScorer();
        assertThatThrownBy(() -> scorer.score(c, data, new PluginOptions("obs", Map.of("calibration", "0")), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("obs option calibration must be at least 1 sample, got 0");
        assertThatThrownBy(() -> scorer.score(c, data, new PluginOptions("obs", Map.of("damping", "-0.5")), 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("obs option damping must be >= 0, got -0.5");
        assertThatThrownBy(() -> scorer.score(c, data, new PluginOptions("obs", Map.of("damping", "lots")), 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("obs option damping must be a number, got 'lots'");
        assertThat(scorer.optionNames()).containsExactlyInAnyOrder("calibration", "damping", "refit");
        scorer.checkOptions(new PluginOptions("obs", Map.of("calibration", "500", "damping", "0")));
        assertThatThrownBy(() -> scorer.checkOptions(new PluginOptions("obs", Map.of("samples", "5"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown option 'samples' for obs");
        assertThatThrownBy(() -> scorer.checkOptions(new PluginOptions("obs", Map.of("calibration", "x"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("obs option calibration must be an integer, got 'x'");
        DataSplit mnist = Datasets.load(Datasets.MNIST_MINI, null, 1);
        assertThatThrownBy(() -> scorer.score(c, mnist, PluginOptions.none("obs"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("calibration data " + mnist.train().name() + " has 784 features per sample, the network "
                        + "mlp:8 takes " + data.featureCount());
    }

    @Test
    void bothScorersAreRegisteredPlugins() {
        assertThat(Plugins.get(Scorer.class, "obs")).isInstanceOf(ObsScorer.class);
        assertThat(Plugins.get(Scorer.class, "obd")).isInstanceOf(ObdScorer.class);
    }

    private static boolean[] allBut(int q) {
        boolean[] keep = new boolean[D];
        java.util.Arrays.fill(keep, true);
        keep[q] = false;
        return keep;
    }
}
