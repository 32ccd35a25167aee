package io.crespr.shared.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.report.BenchReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {

    private static Map<String, Object> base() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("dataset", "synthetic");
        b.put("arch", "mlp:16");
        b.put("rounds", 3);
        b.put("denseEpochs", 2);
        return b;
    }

    @Test
    void methodsShareEachSeedsDenseModelAndEveryLevelIsRecorded() {
        List<String> methods = List.of("gmp", "gmp-l1", "lamp", "random");
        Bench.Outcome o = Bench.run(base(), methods, List.of(0.8, 0.5), List.of(1L, 2L), true,
                seed -> Datasets.load("synthetic", Path.of("unused"), seed), (m, s) -> { }, null);
        assertThat(o.rows()).hasSize(4 * 2 * 2);
        for (long seed : List.of(1L, 2L)) {
            assertThat(o.rows().stream().filter(r -> r.seed() == seed).map(Bench.Row::denseAccuracy).distinct())
                    .hasSize(1);
        }
        for (Bench.Row r : o.rows()) {
            assertThat(r.achievedSparsity()).isCloseTo(r.sparsity(), org.assertj.core.data.Offset.offset(1e-3));
        }
        String csv = BenchReport.csv(o);
        assertThat(csv.lines()).hasSize(1 + o.rows().size());
        String md = BenchReport.markdown(o, "cmd");
        assertThat(md).contains("| gmp-l1 |").contains("| 0.5 | 0.8 |");
    }

    @Test
    void eachLevelRunsWithItsOwnPlanAndGivesWhatThatPlanGivesAlone() {
        List<String> methods = List.of("crespr", Methods.LAYER_MATCHED);
        Bench.Outcome o = Bench.run(base(), methods, List.of(0.8, 0.5), List.of(1L), false,
                seed -> Datasets.load("synthetic", Path.of("unused"), seed), (m, s) -> { }, null);
        assertThat(o.rows()).hasSize(2 * 2);
        // The bench's 0.5 point for crespr is what a plan for 0.5 gives on its own, not a stop on the way to 0.8.
        var plan = new java.util.LinkedHashMap<>(base());
        plan.put("method", "crespr");
        plan.put("targetSparsity", 0.5);
        plan.put("seed", 1L);
        PruningResult alone = new PruningPipeline(Plans.build(null, plan),
                Datasets.load("synthetic", Path.of("unused"), 1L), null).run();
        Bench.Row row = o.rows().stream().filter(r -> r.method().equals("crespr") && r.sparsity() == 0.5)
                .findFirst().orElseThrow();
        assertThat(row.accuracy()).isEqualTo(alone.last().testAccuracy());
        assertThat(row.figures()).containsKeys("intra_module_share", "ncut", "connected_units_h1");
        assertThat(BenchReport.csv(o)).contains("intra_module_share");
    }

    @Test
    void thePenaltyIsScaledToTheTarget() {
        assertThat(Methods.l1For(0.9)).isEqualTo(Methods.l1For(0.95));
        assertThat(Methods.l1For(0.95)).isLessThan(Methods.l1For(0.98));
        assertThat(Methods.l1For(0.98)).isLessThan(Methods.l1For(0.99));
        assertThat(Methods.l1For(0.995)).isLessThan(Methods.l1For(0.998));
        assertThat(Methods.l1For(0.999)).isEqualTo(Methods.l1For(0.998));
        for (double t : new double[] {0.9, 0.97, 0.998}) {
            var plan = new java.util.LinkedHashMap<String, Object>(base());
            plan.put("method", "gmp-l1");
            plan.put("targetSparsity", t);
            assertThat(Double.parseDouble(Plans.build(null, plan).optionsFor("trainer", "adam").values().get("l1")))
                    .isEqualTo(Methods.l1For(t));
            // A value the user gives wins over the preset's.
            plan.put("options", java.util.Map.of("trainer", java.util.Map.of("l1", "0.02")));
            assertThat(Plans.build(null, plan).optionsFor("trainer", "adam").values().get("l1")).isEqualTo("0.02");
        }
    }

    @Test
    void layerMatchedNeedsTheMethodItCopies() {
        assertThatThrownBy(() -> Bench.run(base(), List.of("gmp", Methods.LAYER_MATCHED), List.of(0.5), List.of(1L), false,
                seed -> Datasets.load("synthetic", Path.of("unused"), seed), (m, s) -> { }, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("add crespr to the methods");
    }
}
