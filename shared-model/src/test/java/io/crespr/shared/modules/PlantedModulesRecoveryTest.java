package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.SyntheticModules;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.plugins.ClassAnchoredClusterer;
import io.crespr.shared.plugins.SpectralClusterer;
import io.crespr.shared.spi.PluginOptions;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both module builders find the planted modules of the {@code synthetic} task (3 groups of 20
 * features deciding 2 classes each, 10 distractors) in the weights of an MLP trained on it,
 * in the setting of {@link ModuleTestNetworks#plantedMlp}.
 */
class PlantedModulesRecoveryTest {

    private static final int GROUPS = 3;

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void bothBuildersRecoverThePlantedGroups(long seed) {
        DataSplit data = ModuleTestNetworks.synthetic(seed);
        SyntheticModules truth = SyntheticModules.withDefaults(seed);
        long t0 = System.nanoTime();
        Checkpoint net = ModuleTestNetworks.plantedMlp(data, seed);
        long t1 = System.nanoTime();

        ModuleMap anchored = new ClassAnchoredClusterer().cluster(net, data, new PluginOptions("class-anchored",
                Map.of("k", "3", "grouping", "spectral", "balancedClasses", "true")), seed);
        ModuleMap spectral = new SpectralClusterer().cluster(net, data,
                new PluginOptions("spectral", Map.of("k", "3")), seed);

        System.out.printf("seed %d: trained in %.1f s, clustered in %.2f s%n", seed, (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9);
        for (ModuleMap m : new ModuleMap[] {anchored, spectral}) {
            ModuleStructure.check(net, m);
            assertThat(ModuleStructure.spanningModules(m)).hasSize(GROUPS);
            double ari = ModuleTestNetworks.plantedAri(m, truth);
            System.out.printf("seed %d: adjusted Rand index %.3f, inter-module mass %.3f, n-cut %.3f%n", seed, ari,
                    InterModuleMass.share(net, m), NormalizedCut.of(net, m));
            assertThat(ari).as("adjusted Rand index with the planted groups").isGreaterThanOrEqualTo(0.9);
            // Found modules hold less cross mass than a random balanced partition (1 - 1/k).
            assertThat(InterModuleMass.share(net, m)).isLessThan(1 - 1.0 / GROUPS - 0.1);
        }
        // The same seed gives the same modules.
        assertThat(new ClassAnchoredClusterer().cluster(net, data, new PluginOptions("class-anchored",
                Map.of("k", "3", "grouping", "spectral", "balancedClasses", "true")), seed)).isEqualTo(anchored);
        assertThat(new SpectralClusterer().cluster(net, data, new PluginOptions("spectral", Map.of("k", "3")), seed))
                .isEqualTo(spectral);
    }
}
