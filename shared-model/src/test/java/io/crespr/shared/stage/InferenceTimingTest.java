package io.crespr.shared.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The last round of a job times the pruned model's compiled inference against DL4J's dense forward pass. */
class InferenceTimingTest {

    private static PruningPlan plan(Map<String, Object> settings) {
        return Plans.build(null, new HashMap<>(settings));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLastRoundOfASparseLenet300100RecordsACompiledPlanFasterThanDenseDl4j() {
        PruningPlan plan = plan(Map.of("dataset", "mnist-mini", "arch", "lenet-300-100", "method", "gmp",
                "targetSparsity", 0.99, "rounds", 2, "denseEpochs", 1, "fineTuneEpochs", 1, "seed", 3L));
        DataSplit data = Datasets.load(plan.dataset(), Path.of("unused"), plan.seed());
        PruningResult r = new PruningPipeline(plan, data, null).run();

        assertThat(r.rounds()).hasSize(2);
        assertThat(r.denseRound().metrics()).doesNotContainKey(InferenceTiming.KEY);
        assertThat(r.rounds().get(0).metrics()).doesNotContainKey(InferenceTiming.KEY);
        Map<String, Object> inf = (Map<String, Object>) r.last().metrics().get(InferenceTiming.KEY);
        assertThat(inf).as("last round").isNotNull().containsEntry("supported", true)
                .containsKeys("latencyMicros", "denseLatencyMicros", "speedup", "throughputPerSecond",
                        "denseThroughputPerSecond", "throughputSpeedup", "planBatch", "batch");
        assertThat((List<String>) inf.get("plan")).hasSize(3).allMatch(k -> List.of("dense", "csr", "block-diagonal")
                .contains(k));
        assertThat(((Number) inf.get("latencyMicros")).doubleValue()).isPositive();
        // At 1 % of the weights and one image, the compiled plan beats DL4J's dense forward by far; a loose bound.
        assertThat(((Number) inf.get("speedup")).doubleValue()).as(InferenceTiming.describe(inf)).isGreaterThan(1.0);
        assertThat(InferenceTiming.describe(inf)).contains("µs/image compiled (", "DL4J dense", "at batch 1");
        System.out.println("inference: " + InferenceTiming.describe(inf));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPrunedLenet5IsTimedThroughItsCompiledConvolutions() throws Exception {
        io.crespr.shared.model.Checkpoint c;
        try (java.io.InputStream in = getClass().getResourceAsStream("/inference/crespr-lenet5-099.ckpt")) {
            c = io.crespr.shared.model.CheckpointCodec.read(in);
        }
        DataSplit data = Datasets.load(Datasets.MNIST_MINI, Path.of("unused"), c.provenance().seed());
        Map<String, Object> inf = InferenceTiming.measure(c, data.test());
        assertThat(inf).as(InferenceTiming.describe(inf)).containsEntry("supported", true);
        assertThat((List<String>) inf.get("plan")).hasSize(4);
        assertThat(((Number) inf.get("latencyMicros")).doubleValue()).isPositive();
        assertThat(((Number) inf.get("throughputPerSecond")).doubleValue()).isPositive();
        System.out.println("inference (lenet-5): " + InferenceTiming.describe(inf));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRoundWithoutMasksRecordsWhyItWasNotTimed() {
        PruningPlan plan = plan(Map.of("dataset", "mnist-mini", "arch", "lenet-5", "method", "gmp",
                "targetSparsity", 0.5, "rounds", 1, "seed", 3L));
        DataSplit data = Datasets.load(plan.dataset(), Path.of("unused"), plan.seed());
        StageSteps steps = new StageSteps(plan, data);
        RoundResult last = steps.evaluate(steps.initial(), steps.rounds(), Map.of());

        Map<String, Object> inf = (Map<String, Object>) last.metrics().get(InferenceTiming.KEY);
        assertThat(inf).containsEntry("supported", false).doesNotContainKey("speedup");
        assertThat((String) inf.get("reason")).contains("has no masks: it is not a pruned model");
        assertThat(InferenceTiming.describe(inf)).startsWith("not measured: ");
        assertThat(last.testAccuracy()).isBetween(0.0, 1.0);
    }
}
