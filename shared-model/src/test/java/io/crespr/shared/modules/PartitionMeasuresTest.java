package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inter-module mass share and normalized cut, computed by hand on a 2-2-2 network. */
class PartitionMeasuresTest {

    // Inputs q to hidden j: 1 2 / 3 4; hidden to classes: 5 6 / 7 8 (signs do not matter).
    private static final Checkpoint NET = GraphFixtures.checkpoint("mlp:2", List.of(
            GraphFixtures.dense(0, 2, 2, 1, -2, 3, 4), GraphFixtures.dense(1, 2, 2, 5, 6, -7, 8)), Map.of());
    private static final ModuleMap ALIGNED = new ModuleMap(2, List.of(new int[] {0, 1}, new int[] {0, 1},
            new int[] {0, 1}));

    @Test
    void interModuleShareCountsWeightsBetweenModules() {
        assertThat(InterModuleMass.share(NET, ALIGNED)).isCloseTo(18.0 / 36, within(1e-12));
        assertThat(InterModuleMass.shareByLayer(NET, ALIGNED)).containsExactly(0.5, 0.5);
        ModuleMap sharedInputs = new ModuleMap(2, List.of(new int[] {-1, -1}, new int[] {0, 1}, new int[] {0, 1}));
        assertThat(InterModuleMass.share(NET, sharedInputs)).isCloseTo(13.0 / 36, within(1e-12));
        assertThat(InterModuleMass.share(NET, ModuleMap.EMPTY)).isZero();
    }

    @Test
    void interModuleShareIgnoresPrunedWeights() {
        Checkpoint pruned = GraphFixtures.checkpoint("mlp:2", List.of(
                GraphFixtures.dense(0, 2, 2, 1, 0, 3, 4), GraphFixtures.dense(1, 2, 2, 5, 6, -7, 8)),
                Map.of("0_W", new Mask("0_W", new boolean[] {true, false, true, true})));
        assertThat(InterModuleMass.share(pruned, ALIGNED)).isCloseTo(16.0 / 34, within(1e-12));
    }

    @Test
    void normalizedCutFollowsShiAndMalik() {
        // cut = 2 + 3 + 6 + 7 = 18 for both modules; volumes 30 and 42 (the nodes' degrees).
        assertThat(NormalizedCut.of(NET, ALIGNED)).isCloseTo(18.0 / 30 + 18.0 / 42, within(1e-12));
        ModuleMap perfect = new ModuleMap(1, List.of(new int[] {0, 0}, new int[] {0, 0}, new int[] {0, 0}));
        assertThat(NormalizedCut.of(NET, perfect)).isZero();
    }
}
