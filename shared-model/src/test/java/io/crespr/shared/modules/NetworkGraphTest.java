package io.crespr.shared.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.ParamTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkGraphTest {

    @Test
    void denseEdgesAreAbsoluteWeights() {
        // W[q, j] row-major: input q to output j.
        NetworkGraph g = NetworkGraph.of(GraphFixtures.checkpoint("mlp:2", List.of(
                GraphFixtures.dense(0, 3, 2, 1, -2, 3, -4, 5, -6),
                GraphFixtures.dense(1, 2, 2, -7, 8, 9, -10)), Map.of()));
        assertThat(g.layerSizes()).containsExactly(3, 2, 2);
        assertThat(g.nodeCount()).isEqualTo(7);
        assertThat(g.offset(2)).isEqualTo(5);
        assertThat(g.mass(0, 1, 0)).isEqualTo(3);
        assertThat(g.mass(0, 2, 1)).isEqualTo(6);
        assertThat(g.mass(1, 0, 1)).isEqualTo(8);
        assertThat(g.degrees()).containsExactly(3, 7, 11, 9 + 15, 12 + 19, 16, 18);
        assertThat(g.totalMass()).isEqualTo(21 + 34);
    }

    @Test
    void convolutionEdgesAreKernelSliceL1AndADenseLayerAfterAConvolutionReadsChannelMajor() {
        // conv [out 2, in 1, 2, 2]; dense [2 channels x 2 positions = 4, 1]; output [1, 2].
        ParamTensor conv = new ParamTensor("0_W", new long[] {2, 1, 2, 2}, new float[] {1, -1, 2, 0, 0, 0, -3, 1});
        ParamTensor afterConv = new ParamTensor("2_W", new long[] {4, 1}, new float[] {1, 2, -3, 4});
        ParamTensor out = new ParamTensor("3_W", new long[] {1, 2}, new float[] {5, -6});
        NetworkGraph g = NetworkGraph.of(GraphFixtures.checkpoint("lenet-5", List.of(conv, afterConv, out), Map.of()));
        assertThat(g.layerSizes()).containsExactly(1, 2, 1, 2);
        assertThat(g.mass(0, 0, 0)).isEqualTo(4);
        assertThat(g.mass(0, 0, 1)).isEqualTo(4);
        assertThat(g.mass(1, 0, 0)).isEqualTo(3);
        assertThat(g.mass(1, 1, 0)).isEqualTo(7);
        assertThat(g.mass(2, 0, 1)).isEqualTo(6);
    }

    @Test
    void badGraphsAreRejected() {
        assertThatThrownBy(() -> NetworkGraph.of(new int[] {2, 2}, new double[][] {{1, 2, 3}}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("has 3 entries");
        assertThatThrownBy(() -> NetworkGraph.of(new int[] {1, 1}, new double[][] {{-1}}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> NetworkGraph.of(GraphFixtures.checkpoint("x", List.of(), Map.of())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no weight arrays");
    }
}
