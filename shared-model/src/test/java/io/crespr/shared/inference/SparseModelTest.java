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
 * of mnist-mini: a 0.99-sparse LeNet-300-100 pruned by crespr (two modules) and one by gmp (none).
 */
class SparseModelTest {

    private static final double REL = 1e-5;

    private static Checkpoint crespr;
    private static Checkpoint gmp;
    private static Dataset test;

    @BeforeAll
    static void load() throws Exception {
        crespr = resource("crespr-lenet300-099.ckpt");
        gmp = resource("gmp-lenet300-099.ckpt");
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
        return SparseModel.compile(c, new SparseModel.Options(kind, batch, CostModel.NOMINAL));
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
    void autoPicksTheCheapestEstimateAndKeepsTheAccuracy() {
        SparseModel m = compile(crespr, null, 1);
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
        Checkpoint lenet5 = Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                "x", 1);
        Checkpoint pruned5 = Checkpoints.applyMasks(lenet5, Map.of("0_W",
                io.crespr.shared.model.Mask.dense("0_W", lenet5.param("0_W").size())), lenet5.provenance());
        assertThatThrownBy(() -> compile(pruned5, null, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("layer 0 of lenet-5 is a convolution (0_W [20, 1, 5, 5])");
        assertThatThrownBy(() -> PlanKind.parseOption("sparse")).isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown plan 'sparse'; known: auto, dense, csr, block");
    }
}
