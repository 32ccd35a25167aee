package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassSimilarityTest {

    @Test
    void confusionIsSymmetrisedRates() {
        // Class 0: 4 samples, 1 taken for class 1; class 1: 2 samples, 1 taken for class 0; class 2 never confused.
        int[] labels = {0, 0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 0, 1, 1, 0, 2};
        double[][] s = ClassSimilarity.ofConfusion(predicted, labels, 3);
        assertThat(s[0][1]).isCloseTo(0.5 * (0.25 + 0.5), within(1e-12));
        assertThat(s[1][0]).isEqualTo(s[0][1]);
        assertThat(s[0][2]).isZero();
        assertThat(s[0][0]).isZero();
        assertThatThrownBy(() -> ClassSimilarity.ofConfusion(new int[] {3}, new int[] {0}, 3))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("prediction 3");
    }

    @Test
    void incomingWeightsCompareLastLayerColumns() {
        // Hidden units 0, 1 feed classes 0 and 1 alike; class 2 is fed by unit 2 only.
        NetworkGraph g = NetworkGraph.of(GraphFixtures.checkpoint("mlp:3", List.of(
                GraphFixtures.dense(0, 1, 3, 1, 1, 1),
                GraphFixtures.dense(1, 3, 3, 1, -2, 0, 2, 4, 0, 0, 0, 5)), Map.of()));
        double[][] s = ClassSimilarity.ofIncomingWeights(g);
        assertThat(s[0][1]).isCloseTo((1 * 2 + 2 * 4) / (Math.sqrt(5) * Math.sqrt(20)), within(1e-12));
        assertThat(s[0][2]).isZero();
        assertThat(s[2][2]).isCloseTo(1, within(1e-12));
    }

    @Test
    void spectralEmbeddingPairsClassesOfOnePlantedModule() {
        NetworkGraph g = NetworkGraph.of(GraphFixtures.plantedMlp(new int[] {30, 12, 6}, 3, 1.0, 0.1, 5));
        double[][] s = ClassSimilarity.ofSpectralEmbedding(g, 3, SpectralEmbedding.Solver.BIPARTITE);
        assertThat(AverageLinkage.cluster(s, 3)).containsExactly(0, 0, 1, 1, 2, 2);
    }
}
