package io.crespr.shared.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.Predictions;
import java.io.InputStream;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compiled models against DL4J's dense forward pass of the same checkpoint, on every test image
 * of mnist-mini: a 0.99-sparse LeNet-300-100 pruned by crespr (two modules), one by gmp (none),
 * and a 0.99-sparse LeNet-5 pruned by crespr (convolutions, max pooling, modules).
 */
class SparseModelTest {

    private static final double REL = 1e-5;

    private static Checkpoint crespr;
    private static Checkpoint gmp;
    private static Checkpoint lenet5;
    private static Dataset test;

    @BeforeAll
    static void load() throws Exception {
        crespr = resource("crespr-lenet300-099.ckpt");
        gmp = resource("gmp-lenet300-099.ckpt");
        lenet5 = resource("crespr-lenet5-099.ckpt");
        DataSplit split = Datasets.load(Datasets.MNIST_MINI, null, crespr.provenance().seed());
        test = split.test();
    }

    private static Checkpoint resource(String name) throws Exception {
        try (InputStream in = SparseModelTest.class.getResourceAsStream("/inference/" + name)) {
            return CheckpointCodec.read(in);
        }
    }

    private static float[] dl4j(Checkpoint c) {
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        return net.output(Nd4j.create(test.features(), new long[] {test.size(), test.featureCount()}, 'c'), false)
                .reshape(-1).toFloatVector();
    }

    private static SparseModel compile(Checkpoint c, PlanKind kind, int batch) {
        return SparseModel.compile(c, new SparseModel.Options(kind, batch, CostModel.NOMINAL, false));
    }

    private static void assertMatches(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            double rel = scale < 1e-30 ? 0 : Math.abs(expected[i] - actual[i]) / scale;
            worst = Math.max(worst, rel);
        }
        assertThat(worst).as("largest relative difference to DL4J").isLessThanOrEqualTo(REL);
    }

    @Test
    void everyKindMatchesDl4jOnTheCresprCheckpoint() {
        assertThat(crespr.modules().k()).isGreaterThan(1);
        float[] expected = dl4j(crespr);
        for (PlanKind kind : PlanKind.values()) {
            SparseModel m = compile(crespr, kind, 256);
            assertThat(m.layers()).allSatisfy(l -> assertThat(l.kind()).isEqualTo(kind));
            assertMatches(expected, m.output(test.features(), test.size(), test.featureCount()));
            // Batch 1 and an odd batch take the single-sample and the partial-tile paths.
            int d = test.featureCount();
            for (int s : new int[] {0, 17, test.size() - 1}) {
                float[] one = java.util.Arrays.copyOfRange(test.features(), s * d, (s + 1) * d);
                float[] got = m.output(one, 1, d);
                assertMatches(java.util.Arrays.copyOfRange(expected, s * 10, (s + 1) * 10), got);
            }
            float[] part = java.util.Arrays.copyOfRange(test.features(), 0, 70 * d);
            assertMatches(java.util.Arrays.copyOfRange(expected, 0, 700), m.output(part, 70, d));
        }
    }

    @Test
    void everyKindMatchesDl4jOnTheLenet5Checkpoint() {
        assertThat(lenet5.architecture()).isEqualTo("lenet-5");
        assertThat(lenet5.modules().k()).isGreaterThan(1);
        float[] expected = dl4j(lenet5);
        int d = test.featureCount();
        for (PlanKind kind : PlanKind.values()) {
            SparseModel m = compile(lenet5, kind, 256);
            assertThat(m.layers()).allSatisfy(l -> assertThat(l.kind()).isEqualTo(kind));
            assertThat(m.layers().get(0).conv()).isNotNull();
            assertThat(m.layers().get(1).conv()).isNotNull();
            assertThat(m.tile()).isLessThan(SparseModel.TILE);
            assertMatches(expected, m.output(test.features(), test.size(), d));
            for (int s : new int[] {0, test.size() - 1}) {
                float[] one = java.util.Arrays.copyOfRange(test.features(), s * d, (s + 1) * d);
                assertMatches(java.util.Arrays.copyOfRange(expected, s * 10, (s + 1) * 10), m.output(one, 1, d));
            }
            float[] part = java.util.Arrays.copyOfRange(test.features(), 0, 37 * d);
            assertMatches(java.util.Arrays.copyOfRange(expected, 0, 370), m.output(part, 37, d));
        }
        SparseModel auto = compile(lenet5, null, 1);
        assertThat(auto.describe().get(0)).contains("conv 5x5 1->20 channels on 28x28, max-pool 2");
        assertThat(auto.describe().get(1)).contains("conv 5x5 20->50 channels on 12x12, max-pool 2");
        // Per sample: 25·20 taps over 24² positions, 500·50 over 8², then 800·500 and 500·10.
        assertThat(auto.denseMacsPerSample()).isEqualTo(25L * 20 * 576 + 500L * 50 * 64 + 800L * 500 + 500L * 10);
        long nnzMacs = 0;
        int[] positions = {576, 64, 1, 1};
        for (int l = 0; l < 4; l++) {
            float[] w = lenet5.weights().get(l).values();
            long nz = 0;
            for (float f : w) {
                nz += f != 0f ? 1 : 0;
            }
            nnzMacs += nz * positions[l];
        }
        assertThat(auto.sparseMacsPerSample()).isEqualTo(nnzMacs);
    }

    @Test
    void aLenet5WithAllItsWeightsMatchesDl4j() {
        // Every weight non-zero: the convolutions' taps, their order and the flattening into the dense layer all count.
        Checkpoint init = Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                "x", 3);
        Checkpoint masked = Checkpoints.applyMasks(init, Map.of("0_W",
                io.crespr.shared.model.Mask.dense("0_W", init.param("0_W").size())), init.provenance());
        float[] expected = dl4j(masked);
        int d = test.featureCount();
        float[] part = java.util.Arrays.copyOfRange(test.features(), 0, 40 * d);
        for (PlanKind kind : new PlanKind[] {PlanKind.DENSE, PlanKind.CSR}) {
            assertMatches(java.util.Arrays.copyOfRange(expected, 0, 400), compile(masked, kind, 40).output(part, 40, d));
        }
    }

    @Test
    void denseAndCsrMatchDl4jOnTheGmpCheckpointAndBlockIsRefused() {
        assertThat(gmp.modules().isEmpty()).isTrue();
        float[] expected = dl4j(gmp);
        for (PlanKind kind : new PlanKind[] {PlanKind.DENSE, PlanKind.CSR}) {
            assertMatches(expected, compile(gmp, kind, 32).output(test.features(), test.size(), test.featureCount()));
        }
        SparseModel auto = compile(gmp, null, 1);
        assertThat(auto.layers()).allSatisfy(l -> {
            assertThat(l.estimates()).doesNotContainKey(PlanKind.BLOCK);
            assertThat(l.reason()).contains("block-diagonal not offered: the checkpoint has no modules");
        });
        assertThatThrownBy(() -> compile(gmp, PlanKind.BLOCK, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("plan block-diagonal needs the checkpoint's module map")
                .hasMessageContaining("has no modules");
    }

    @Test
    void autoMeasuresTheCandidatesTheEstimatesLeaveAndTakesTheFastest() {
        for (Checkpoint c : new Checkpoint[] {crespr, lenet5}) {
            SparseModel m = SparseModel.compile(c, new SparseModel.Options(null, 32, CostModel.calibrate()));
            for (SparseModel.Layer l : m.layers()) {
                double best = l.estimates().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                long close = l.estimates().values().stream().filter(e -> e <= best * SparseModel.MEASURE_WITHIN).count();
                if (close > 1) {
                    assertThat(l.reason()).containsAnyOf("fastest measured at batch 32: ",
                            "cheapest estimate, measured within 5 % of the fastest at batch 32: ")
                            .contains(l.kind().label() + " ").contains(" ns/sample measured").contains("; estimates ");
                    // The chosen kind's measured time is the smallest one recorded.
                    java.util.regex.Matcher t = java.util.regex.Pattern.compile("([a-z-]+) ([0-9.]+) ns/sample measured")
                            .matcher(l.reason());
                    double chosen = Double.NaN;
                    double min = Double.MAX_VALUE;
                    while (t.find()) {
                        double v = Double.parseDouble(t.group(2));
                        min = Math.min(min, v);
                        if (t.group(1).equals(l.kind().label())) {
                            chosen = v;
                        }
                    }
                    // The fastest, or the cheapest estimate when it is within the tie margin of the fastest.
                    if (l.reason().startsWith("fastest measured")) {
                        assertThat(chosen).as(l.describe()).isEqualTo(min);
                    } else {
                        assertThat(chosen * (1 - SparseModel.TIE)).as(l.describe()).isLessThanOrEqualTo(min);
                        assertThat(l.estimates().get(l.kind())).isEqualTo(best);
                    }
                } else {
                    assertThat(l.reason()).startsWith("cheapest at batch 32: ");
                }
            }
        }
    }

    @Test
    void autoPicksTheCheapestEstimateAndKeepsTheAccuracy() {
        SparseModel m = SparseModel.compile(crespr, new SparseModel.Options(null, 1, CostModel.NOMINAL, false));
        for (SparseModel.Layer l : m.layers()) {
            double best = l.estimates().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertThat(l.estimates().get(l.kind())).isEqualTo(best);
            assertThat(l.kind()).isNotEqualTo(PlanKind.DENSE);
            assertThat(l.describe()).contains("cheapest at batch 1").contains("ns/sample");
        }
        int[] dl4jPred = Predictions.predict(Networks.fromCheckpoint(crespr, null, 0), test);
        assertThat(Predictions.accuracy(m.predict(test), test.labels()))
                .isEqualTo(Predictions.accuracy(dl4jPred, test.labels()));
    }

    @Test
    void calibrationGivesPositiveCosts() {
        CostModel c = CostModel.calibrate();
        assertThat(c.densePerWeightSample()).isPositive();
        assertThat(c.csrPerWeightSample()).isPositive();
        assertThat(c.dense(1000, 1)).isPositive();
    }

    @Test
    void badInputIsRefusedWithItsReason() {
        Checkpoint unpruned = Checkpoints.init(Architecture.parse("lenet-300-100"),
                new Networks.Io(new int[] {784}, 10), "x", 1);
        assertThatThrownBy(() -> compile(unpruned, null, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no masks: it is not a pruned model");
        SparseModel m = compile(crespr, PlanKind.CSR, 1);
        assertThatThrownBy(() -> m.output(new float[100], 1, 100)).isInstanceOf(InvalidInputException.class)
                .hasMessage("input has width 100, the model (lenet-300-100) takes 784 features per sample");
        assertThatThrownBy(() -> m.output(new float[785], 1, 784)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("785 values");
        Checkpoint badModules = crespr.derive("x", crespr.params(), crespr.masks(),
                new ModuleMap(2, java.util.List.of(new int[784], new int[300])), crespr.provenance());
        assertThatThrownBy(() -> compile(badModules, PlanKind.BLOCK, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("module map has 2 node layers, the network 4");
        SparseModel conv = compile(lenet5, PlanKind.CSR, 1);
        assertThatThrownBy(() -> conv.output(new float[100], 1, 100)).isInstanceOf(InvalidInputException.class)
                .hasMessage("input has width 100, the model (lenet-5) takes 784 features per sample");
        Checkpoint badConvModules = lenet5.derive("x", lenet5.params(), lenet5.masks(),
                new ModuleMap(2, java.util.List.of(new int[1], new int[20], new int[49], new int[500], new int[10])),
                lenet5.provenance());
        assertThatThrownBy(() -> compile(badConvModules, PlanKind.BLOCK, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("module map gives 49 nodes in node layer 2, the network has 50");
        assertThatThrownBy(() -> PlanKind.parseOption("sparse")).isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown plan 'sparse'; known: auto, dense, csr, block");
    }
}
