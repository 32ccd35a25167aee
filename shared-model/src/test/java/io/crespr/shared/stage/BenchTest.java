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
        Bench.Outcome o = Bench.run(base(), methods, List.of(0.8, 0.5), List.of(1L, 2L),
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
    void layerMatchedNeedsTheMethodItCopies() {
        assertThatThrownBy(() -> Bench.run(base(), List.of("gmp", Methods.LAYER_MATCHED), List.of(0.5), List.of(1L),
                seed -> Datasets.load("synthetic", Path.of("unused"), seed), (m, s) -> { }, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("add crespr to the methods");
    }
}
