package io.crespr.shared.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlansTest {

    private static PruningPlan plan(Object... kv) {
        Map<String, Object> o = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            o.put((String) kv[i], kv[i + 1]);
        }
        return Plans.build(null, o);
    }

    private static void rejects(String message, Object... kv) {
        assertThatThrownBy(() -> plan(kv)).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    @Test
    void presetsFillThePluginsAndFlagsOverrideThem() {
        PruningPlan gmp = plan();
        assertThat(gmp.method()).isEqualTo("gmp");
        assertThat(List.of(gmp.scorer(), gmp.pruner(), gmp.schedule())).containsExactly("magnitude", "global", "cubic");
        assertThat(plan("method", "random").scorer()).isEqualTo("random");
        assertThat(plan("method", "random", "scorer", "magnitude", "pruner", "layerwise").pruner()).isEqualTo("layerwise");
        assertThat(plan().fineTuneLearningRate()).isEqualTo(0.003);
        assertThat(plan("fineTuneLearningRate", 0.01).fineTuneLearningRate()).isEqualTo(0.01);
    }

    @Test
    void presetOptionsMergeKeyByKeyWithThePlans() {
        PruningPlan p = plan("method", "gmp-l1", "options", Map.of("trainer", Map.of("l1", "0.01")));
        assertThat(p.optionsFor("trainer", "adam").values()).containsEntry("l1", "0.01")
                .containsEntry("l1Growth", "linear").containsEntry("l1Scope", "all");
        assertThat(plan("method", "gmp").options()).isEmpty();
    }

    @Test
    void aPlanFileIsReadAndFlagsWin(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("plan.yaml");
        Files.writeString(yaml, "method: random\ntargetSparsity: 0.95\nrounds: 4\npruner: layerwise\n"
                + "options:\n  allocation:\n    maxLast: '0.9'\n");
        PruningPlan p = Plans.build(Plans.readFile(yaml), Map.of("rounds", 6));
        assertThat(p.method()).isEqualTo("random");
        assertThat(p.targetSparsity()).isEqualTo(0.95);
        assertThat(p.rounds()).isEqualTo(6);
        assertThat(p.optionsFor("allocation", "uniform").number("maxLast", 1)).isEqualTo(0.9);
        Path json = dir.resolve("plan.json");
        Files.writeString(json, "{\"targetSparsity\": 0.5, \"dataset\": \"synthetic\"}");
        assertThat(Plans.build(Plans.readFile(json), null).dataset()).isEqualTo("synthetic");
    }

    @Test
    void badSettingsNameTheFieldAndTheValue() {
        rejects("targetSparsity must be in [0, 1), got 1.2", "targetSparsity", 1.2);
        rejects("targetSparsity must be in [0, 1), got -0.5", "targetSparsity", -0.5);
        rejects("unknown scorer plugin 'hessian'; known: magnitude, obd, obs, random", "scorer", "hessian");
        rejects("unknown method 'crespr2'; known: gmp, gmp-l1, lamp, obd, obs, crespr, layer-matched, random", "method", "crespr2");
        rejects("unknown dataset 'cifar'; known: mnist-mini, mnist, fashion-mnist, synthetic (NAME:N trains on N samples)", "dataset", "cifar");
        rejects("architecture 'mlp:10,,3' does not parse: '' is not a layer width (expected mlp:W1,W2,… with positive integers)",
                "arch", "mlp:10,,3");
        rejects("rounds must be in [1, 1000], got 0", "rounds", 0);
        rejects("batchSize must be >= 1, got 0", "batchSize", 0);
        assertThatThrownBy(() -> plan("targetSparsty", 0.9)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("unknown plan setting 'targetSparsty'; known: method, dataset");
        assertThatThrownBy(() -> plan("milestones", List.of(0.5, 0.4), "targetSparsity", 0.9))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("milestones must increase");
    }

    @Test
    void milestonesReplaceTheFirstRoundThatReachesThem() {
        double[] cubic = new io.crespr.shared.plugins.CubicSchedule().sparsities(0.998, 12,
                io.crespr.shared.spi.PluginOptions.none("cubic"));
        double[] s = ScheduleMilestones.apply(cubic, List.of(0.9, 0.95, 0.98, 0.99, 0.995, 0.998));
        assertThat(s).hasSize(12);
        assertThat(s).contains(0.9, 0.95, 0.98, 0.99, 0.995, 0.998);
        for (int i = 1; i < s.length; i++) {
            assertThat(s[i]).isGreaterThanOrEqualTo(s[i - 1]);
        }
        // more milestones than late rounds: extra rounds are appended, order kept
        double[] few = ScheduleMilestones.apply(new double[] {0.5, 0.9}, List.of(0.6, 0.7, 0.8, 0.9));
        assertThat(few).containsExactly(0.5, 0.6, 0.7, 0.8, 0.9);
    }
}
