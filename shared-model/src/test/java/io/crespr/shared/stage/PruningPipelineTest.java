package io.crespr.shared.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Mask;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** End to end, all five stages in process, on real data. */
class PruningPipelineTest {

    private static PruningResult run(String dataset, Map<String, Object> settings) {
        PruningPlan plan = Plans.build(null, new java.util.HashMap<>(settings) {{
                put("dataset", dataset);
            }});
        DataSplit data = Datasets.load(dataset, Path.of("unused"), plan.seed());
        return new PruningPipeline(plan, data, null).run();
    }

    @Test
    void gmpOnMnistMiniKeepsAccuracyAtNinetyPercentAndRandomDoesNot() {
        Map<String, Object> s = Map.of("targetSparsity", 0.9, "seed", 1L);
        PruningResult gmp = run("mnist-mini", s);
        PruningResult random = run("mnist-mini", Map.of("targetSparsity", 0.9, "seed", 1L, "method", "random"));

        assertThat(gmp.last().sparsity()).isEqualTo((double) Math.round(0.9 * gmp.pruned().prunableCount())
                / gmp.pruned().prunableCount());
        assertThat(gmp.last().testAccuracy()).as("gmp at 0.9").isGreaterThanOrEqualTo(0.85);
        // The dense model is the same for both (it depends only on the seed), so the gap is the method's.
        assertThat(random.denseRound().testAccuracy()).isEqualTo(gmp.denseRound().testAccuracy());
        assertThat(random.last().testAccuracy()).as("random at 0.9")
                .isLessThan(gmp.last().testAccuracy() - 0.04);

        // Every round's masks only grow, and the reported sparsity is what the weights show.
        assertThat(gmp.rounds()).hasSize(12);
        for (int i = 1; i < gmp.rounds().size(); i++) {
            assertThat(gmp.rounds().get(i).sparsity()).isGreaterThanOrEqualTo(gmp.rounds().get(i - 1).sparsity());
        }
        long masked = gmp.pruned().masks().values().stream().mapToLong(Mask::prunedCount).sum();
        assertThat(gmp.last().metrics().get("prunedWeights")).isEqualTo(masked);
        assertThat(gmp.stageSeconds()).containsKeys("train", "cluster", "score", "prune", "fine-tune", "evaluate");
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        Map<String, Object> s = Map.of("arch", "mlp:24", "targetSparsity", 0.95, "rounds", 3, "denseEpochs", 2,
                "seed", 7L, "schedule", "geometric");
        PruningResult a = run("synthetic", s);
        PruningResult b = run("synthetic", s);
        assertThat(b.rounds()).extracting(RoundResult::testAccuracy)
                .containsExactlyElementsOf(a.rounds().stream().map(RoundResult::testAccuracy).toList());
        assertThat(b.pruned().params()).isEqualTo(a.pruned().params());
        assertThat(b.pruned().masks()).isEqualTo(a.pruned().masks());
    }

    @Test
    void cresprOnThePlantedTaskKeepsDenseAccuracyAtNinetyFivePercentAndRandomDoesNot() {
        Map<String, Object> s = new java.util.HashMap<>(Map.of("arch", "mlp:32,16", "targetSparsity", 0.95,
                "seed", 1L));
        Map<String, Object> crespr = new java.util.HashMap<>(s);
        crespr.put("method", "crespr");
        crespr.put("options", Map.of("clusterer", Map.of("k", "3")));
        PruningResult modular = run("synthetic", crespr);
        Map<String, Object> random = new java.util.HashMap<>(s);
        random.put("method", "random");
        PruningResult control = run("synthetic", random);
        double dense = modular.denseRound().testAccuracy();
        assertThat(modular.last().testAccuracy()).as("crespr at 0.95").isGreaterThanOrEqualTo(dense - 0.02);
        assertThat(control.last().testAccuracy()).as("random at 0.95").isLessThan(dense - 0.02);
        // the modules span the network and hold most surviving weights
        assertThat(modular.pruned().modules().k()).isEqualTo(3);
        assertThat(io.crespr.shared.model.ModuleStructure.spanningModules(modular.pruned().modules())).hasSize(3);
        assertThat((Double) modular.last().metrics().get("intraModuleSurvivorShare")).isGreaterThan(0.9);
    }

    @Test
    @SuppressWarnings("unchecked")
    void kChosenByValidationIsTheBestCandidateAndEveryStepRecordsItsLossRise() {
        Map<String, Object> s = new java.util.HashMap<>(Map.of("arch", "mlp:32,16", "targetSparsity", 0.9,
                "seed", 2L, "rounds", 3, "denseEpochs", 2, "method", "crespr"));
        s.put("options", Map.of("clusterer", Map.of("kChoices", "1,2,3,4")));
        PruningResult r = run("synthetic", s);
        Map<String, Object> choice = (Map<String, Object>) r.rounds().get(0).metrics().get("kChoice");
        Map<Integer, Double> scores = (Map<Integer, Double>) choice.get("validationAccuracy");
        assertThat(scores).containsOnlyKeys(1, 2, 3, 4);
        int k = (Integer) choice.get("k");
        double best = scores.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(scores.get(k)).isEqualTo(best);
        assertThat(scores.entrySet().stream().filter(e -> e.getValue() == best).mapToInt(Map.Entry::getKey).min()
                .orElseThrow()).isEqualTo(k);
        assertThat(r.pruned().modules().k()).isEqualTo(k);
        for (RoundResult rr : r.rounds()) {
            Map<String, Object> step = (Map<String, Object>) rr.metrics().get("pruneStep");
            assertThat((Double) step.get("predictedRise")).isPositive();
            assertThat((Double) step.get("measuredRise")).isPositive();
        }
        assertThat(io.crespr.shared.report.Reports.markdown(r)).contains("## Every pruning step");
    }
}
