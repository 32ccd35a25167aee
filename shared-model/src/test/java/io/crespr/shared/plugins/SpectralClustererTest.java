package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.Networks;
import io.crespr.shared.modules.GraphFixtures;
import io.crespr.shared.modules.InterModuleMass;
import io.crespr.shared.modules.ModuleTestNetworks;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpectralClustererTest {

    private static final int[] PLANTED_SIZES = {30, 12, 6, 3};

    private final SpectralClusterer clusterer = new SpectralClusterer();

    private static PluginOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new PluginOptions(SpectralClusterer.NAME, m);
    }

    @Test
    void recoversPlantedModulesExactlyWithEveryEigensolver() {
        Checkpoint net = GraphFixtures.plantedMlp(PLANTED_SIZES, 3, 1.0, 0.1, 1);
        for (String solver : new String[] {"bipartite", "dense", "commons-math"}) {
            ModuleMap m = clusterer.cluster(net, null, options("k", "3", "eigensolver", solver), 7);
            for (int l = 0; l < PLANTED_SIZES.length; l++) {
                assertThat(m.assignments().get(l)).as("%s, node layer %d", solver, l)
                        .containsExactly(GraphFixtures.plantedModules(PLANTED_SIZES[l], 3));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5})
    void everyModuleOfATrainedLenetSpansAllLayers(int k) {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        ModuleMap m = clusterer.cluster(net, ModuleTestNetworks.mnistMini(), options("k", String.valueOf(k)), 1);
        ModuleStructure.check(net, m);
        assertThat(m.k()).isEqualTo(k);
        assertThat(ModuleStructure.spanningModules(m)).hasSize(k);
        ClassAnchoredClustererTest.assertBalanced(m, 0, 3);
        System.out.printf("spectral k=%d on LeNet-300-100: classes %s, inter-module mass %.3f%n", k,
                Arrays.toString(m.assignments().get(3)), InterModuleMass.share(net, m));
    }

    @Test
    void theSameSeedGivesTheSameModulesAndOtherSeedsMayNot() {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        ModuleMap a = clusterer.cluster(net, null, options("k", "5"), 11);
        assertThat(clusterer.cluster(net, null, options("k", "5"), 11)).isEqualTo(a);
        // An untrained network has no structure, so k-means' seeding decides: seeds matter.
        Checkpoint init = Checkpoints.init(Architecture.parse("mlp:20"), new Networks.Io(new int[] {30}, 6), "none", 1);
        Set<ModuleMap> maps = new HashSet<>();
        for (long seed = 1; seed <= 5; seed++) {
            ModuleMap m = clusterer.cluster(init, null, options("k", "3", "restarts", "1"), seed);
            ModuleStructure.check(init, m);
            assertThat(ModuleStructure.spanningModules(m)).hasSize(3);
            maps.add(m);
        }
        assertThat(maps).hasSizeGreaterThan(1);
    }

    @Test
    void unbalancedAndSharedInputModulesStillSpanAllLayers() {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        ModuleMap unbalanced = clusterer.cluster(net, null, options("k", "5", "balanced", "false"), 1);
        ModuleStructure.check(net, unbalanced);
        assertThat(ModuleStructure.spanningModules(unbalanced)).hasSize(5);
        ModuleMap shared = clusterer.cluster(net, null, options("k", "5", "sharedInputs", "true"), 1);
        assertThat(shared.assignments().get(0)).containsOnly(-1);
        assertThat(ModuleStructure.spanningModules(shared)).hasSize(5);
    }

    @Test
    void aConvolutionalNetworkSpansWithSharedInputs() {
        Checkpoint lenet5 = Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                "mnist-mini", 3);
        assertThatThrownBy(() -> clusterer.cluster(lenet5, null, options("k", "3", "sharedInputs", "false"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sharedInputs=true");
        ModuleMap m = clusterer.cluster(lenet5, null, options("k", "3", "sharedInputs", "true"), 1);
        assertThat(clusterer.cluster(lenet5, null, options("k", "3"), 1).assignments().get(0))
                .containsExactly(m.assignments().get(0));
        ModuleStructure.check(lenet5, m);
        assertThat(ModuleStructure.spanningModules(m)).hasSize(3);
    }

    @Test
    void badInputIsRejectedWithTheValueNamed() {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "0"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("spectral option k must be at least 1, got 0");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "11"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k=11 exceeds the 10 nodes of the class layer")
                .hasMessageContaining("at most 10");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("restarts", "0"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("restarts must be at least 1, got 0");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("eigensolver", "arpack"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("eigensolver must be one of bipartite, dense, commons-math, got 'arpack'");
        assertThatThrownBy(() -> clusterer.checkOptions(options("sharedInputs", "1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("got '1'");
        assertThatThrownBy(() -> clusterer.checkOptions(options("grouping", "weights")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown option 'grouping'");
    }

    @Test
    void oneModuleHoldsEverything() {
        Checkpoint net = GraphFixtures.plantedMlp(PLANTED_SIZES, 3, 1.0, 0.1, 1);
        ModuleMap m = clusterer.cluster(net, null, options("k", "1"), 1);
        for (int[] layer : m.assignments()) {
            assertThat(layer).containsOnly(0);
        }
    }

    @Test
    void isFoundByItsName() {
        assertThat(Plugins.get(Clusterer.class, "spectral")).isInstanceOf(SpectralClusterer.class);
    }
}
