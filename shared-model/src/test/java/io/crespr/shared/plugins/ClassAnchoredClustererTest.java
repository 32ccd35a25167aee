package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassAnchoredClustererTest {

    private static final int[] PLANTED_SIZES = {30, 12, 6, 3};

    private final ClassAnchoredClusterer clusterer = new ClassAnchoredClusterer();

    private static PluginOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new PluginOptions(ClassAnchoredClusterer.NAME, m);
    }

    static void assertBalanced(ModuleMap m, int fromLayer, int toLayer) {
        for (int l = fromLayer; l <= toLayer; l++) {
            int[] sizes = new int[m.k()];
            for (int v : m.assignments().get(l)) {
                sizes[v]++;
            }
            assertThat(Arrays.stream(sizes).max().orElseThrow() - Arrays.stream(sizes).min().orElseThrow())
                    .as("module sizes of node layer %d: %s", l, Arrays.toString(sizes)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void recoversPlantedModulesExactly() {
        Checkpoint net = GraphFixtures.plantedMlp(PLANTED_SIZES, 3, 1.0, 0.1, 1);
        for (String grouping : new String[] {"weights", "spectral"}) {
            ModuleMap m = clusterer.cluster(net, null, options("k", "3", "grouping", grouping), 1);
            for (int l = 0; l < PLANTED_SIZES.length; l++) {
                assertThat(m.assignments().get(l)).as("%s, node layer %d", grouping, l)
                        .containsExactly(GraphFixtures.plantedModules(PLANTED_SIZES[l], 3));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5})
    void everyModuleOfATrainedLenetSpansAllLayers(int k) {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        DataSplit data = ModuleTestNetworks.mnistMini();
        ModuleMap m = clusterer.cluster(net, data, options("k", String.valueOf(k)), 1);
        ModuleStructure.check(net, m);
        assertThat(m.k()).isEqualTo(k);
        assertThat(ModuleStructure.spanningModules(m)).hasSize(k);
        assertBalanced(m, 0, 2);
        // Built to keep mass inside modules: below what a random balanced partition has (1 - 1/k).
        double share = InterModuleMass.share(net, m);
        System.out.printf("class-anchored k=%d on LeNet-300-100: classes %s, inter-module mass %.3f%n", k,
                Arrays.toString(m.assignments().get(3)), share);
        assertThat(share).isLessThan(1 - 1.0 / k);
    }

    @Test
    void unbalancedAndSharedInputModulesStillSpanAllLayers() {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        ModuleMap unbalanced = clusterer.cluster(net, null, options("k", "5", "grouping", "weights", "balanced", "false"),
                1);
        ModuleStructure.check(net, unbalanced);
        assertThat(ModuleStructure.spanningModules(unbalanced)).hasSize(5);
        ModuleMap shared = clusterer.cluster(net, null, options("k", "5", "grouping", "weights", "sharedInputs", "true"),
                1);
        ModuleStructure.check(net, shared);
        assertThat(shared.assignments().get(0)).containsOnly(-1);
        assertThat(ModuleStructure.spanningModules(shared)).hasSize(5);
    }

    @Test
    void aConvolutionalNetworkNeedsSharedInputsForMoreModulesThanInputChannels() {
        Checkpoint lenet5 = Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                "mnist-mini", 3);
        assertThatThrownBy(() -> clusterer.cluster(lenet5, null, options("k", "2", "grouping", "weights",
                "sharedInputs", "false"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k=2 exceeds the 1 nodes of the input layer")
                .hasMessageContaining("sharedInputs=true");
        ModuleMap m = clusterer.cluster(lenet5, null, options("k", "2", "grouping", "weights", "sharedInputs", "true"), 1);
        // auto (the default) shares the one input channel, as true does.
        assertThat(clusterer.cluster(lenet5, null, options("k", "2", "grouping", "weights"), 1).assignments().get(0))
                .containsExactly(m.assignments().get(0));
        ModuleStructure.check(lenet5, m);
        assertThat(ModuleStructure.spanningModules(m)).hasSize(2);
        assertThat(m.assignments().get(1)).hasSize(20);
    }

    @Test
    void isDeterministic() {
        Checkpoint net = ModuleTestNetworks.lenet300100();
        DataSplit data = ModuleTestNetworks.mnistMini();
        ModuleMap a = clusterer.cluster(net, data, options("k", "3"), 1);
        assertThat(clusterer.cluster(net, data, options("k", "3"), 1)).isEqualTo(a);
        // No random draw: another seed gives the same map.
        assertThat(clusterer.cluster(net, data, options("k", "3"), 2)).isEqualTo(a);
    }

    @Test
    void badInputIsRejectedWithTheValueNamed() {
        Checkpoint net = GraphFixtures.plantedMlp(PLANTED_SIZES, 3, 1.0, 0.1, 1);
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "0", "grouping", "weights"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("class-anchored option k must be at least 1, got 0");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "4", "grouping", "weights"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k=4 exceeds the 3 nodes of the class layer")
                .hasMessageContaining("at most 3");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "two"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'two'");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("grouping", "labels"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("grouping must be one of confusion, spectral, weights, got 'labels'");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("balanced", "yes"), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("balanced must be true or false, got 'yes'");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("modules", "3"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown option 'modules'");
        assertThatThrownBy(() -> clusterer.cluster(net, null, options("k", "3"), 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("grouping=confusion needs validation data");
        assertThatThrownBy(() -> clusterer.checkOptions(options("k", "-1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("got -1");
    }

    @Test
    void oneModuleHoldsEverything() {
        Checkpoint net = GraphFixtures.plantedMlp(PLANTED_SIZES, 3, 1.0, 0.1, 1);
        ModuleMap m = clusterer.cluster(net, null, options("k", "1", "grouping", "weights"), 1);
        for (int[] layer : m.assignments()) {
            assertThat(layer).containsOnly(0);
        }
    }

    @Test
    void isFoundByItsName() {
        assertThat(Plugins.get(Clusterer.class, "class-anchored")).isInstanceOf(ClassAnchoredClusterer.class);
    }
}
