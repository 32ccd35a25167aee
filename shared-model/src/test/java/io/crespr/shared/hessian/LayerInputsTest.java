package io.crespr.shared.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class LayerInputsTest {

    private static DataSplit mnist;

    @BeforeAll
    static void load() {
        mnist = Datasets.load(Datasets.MNIST_MINI, null, 1);
    }

    private static Checkpoint lenet5() {
        return Checkpoints.init(Architecture.parse("lenet-5"), new Networks.Io(new int[] {1, 28, 28}, 10),
                Datasets.MNIST_MINI, 3);
    }

    /** The network's own activations on the calibration samples LayerInputs picks. */
    private static List<INDArray> activations(Checkpoint c, Dataset data, int samples, long seed) {
        int[] idx = LayerInputs.calibrationSamples(data.size(), samples, seed);
        INDArray x = Nd4j.create(data.subset(idx, "calibration").features(), new long[] {idx.length, 784}, 'c');
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        return net.feedForward(x, false);
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        return actual.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
    }

    @Test
    void im2colPatchesTimesWeightsReproduceDl4jConvolutions() {
        Checkpoint c = lenet5();
        int samples = 8;
        LayerInputs inputs = LayerInputs.collect(c, mnist.train(), samples, 4);
        List<INDArray> acts = activations(c, mnist.train(), samples, 4);
        assertThat(inputs.samples()).isEqualTo(samples);
        assertThat(inputs.matrices()).containsOnlyKeys("0_W", "2_W", "4_W", "5_W");
        // Conv layers 0 and 2 (identity activation): patches × Wᵀ + b, channels last, is the output.
        for (int l : new int[] {0, 2}) {
            ParamTensor w = c.param(l + "_W");
            ParamTensor b = c.param(l + "_b");
            INDArray out = acts.get(l + 1); // [B, nOut, oh, ow]
            INDArray patches = inputs.matrix(w.name());
            long nOut = w.shape()[0];
            assertThat(patches.shape()).containsExactly(samples * out.size(2) * out.size(3),
                    w.shape()[1] * w.shape()[2] * w.shape()[3]);
            INDArray kernel = Nd4j.create(w.values(), new long[] {nOut, patches.size(1)}, 'c');
            INDArray y = patches.mmul(kernel.transpose()).addiRowVector(Nd4j.create(b.values(), new long[] {nOut}));
            INDArray expected = out.permute(0, 2, 3, 1).dup('c').reshape('c', patches.size(0), nOut);
            assertThat(relativeError(y, expected)).as("layer %d", l).isLessThan(1e-4);
        }
        // The dense layer after the convolutions reads the pooled maps flattened channel-major.
        INDArray x4 = inputs.matrix("4_W");
        assertThat(x4.shape()).containsExactly(samples, 800L);
        INDArray y4 = Transforms.relu(x4.mmul(Nd4j.create(c.param("4_W").values(), new long[] {800, 500}, 'c'))
                .addiRowVector(Nd4j.create(c.param("4_b").values(), new long[] {500})));
        assertThat(relativeError(y4, acts.get(5))).isLessThan(1e-4);
    }

    @Test
    void streamedBatchesConcatenateToTheWholeMatrix() {
        Checkpoint c = lenet5();
        LayerInputs whole = LayerInputs.collect(c, mnist.train(), 7, 5);
        Map<String, List<INDArray>> parts = new LinkedHashMap<>();
        // A budget of one conv-2 sample per batch: seven batches.
        int used = LayerInputs.stream(c, mnist.train(), 7, 5, 32_000, (w, x) ->
                parts.computeIfAbsent(w.name(), k -> new ArrayList<>()).add(x));
        assertThat(used).isEqualTo(7);
        assertThat(parts.get("2_W")).hasSize(7);
        for (Map.Entry<String, List<INDArray>> e : parts.entrySet()) {
            INDArray joined = Nd4j.vstack(e.getValue().toArray(new INDArray[0]));
            // Batch size may change DL4J's summation order: equal to float rounding.
            assertThat(joined.shape()).containsExactly(whole.matrix(e.getKey()).shape());
            assertThat(relativeError(joined, whole.matrix(e.getKey()))).as(e.getKey()).isLessThan(1e-5);
        }
        // Hessians come from Grams summed batch by batch (for convolutions per sample, straight from
        // im2col's layout): the same H as the whole patch matrix gives.
        Map<String, LayerHessian> hs = LayerHessian.collect(c, mnist.train(), 7, 0.01, 5);
        assertThat(hs).containsOnlyKeys("0_W", "2_W", "4_W", "5_W");
        assertThat(hs.get("0_W").rows()).isEqualTo(7 * 24 * 24);
        assertThat(hs.get("2_W").rows()).isEqualTo(7 * 8 * 8);
        assertThat(hs.get("4_W").rows()).isEqualTo(7);
        for (String name : hs.keySet()) {
            LayerHessian direct = LayerHessian.of(whole.matrix(name), 0.01);
            LayerHessian summed = hs.get(name);
            assertThat(summed.dim()).isEqualTo(direct.dim());
            double max = 0;
            for (int a = 0; a < direct.dim(); a++) {
                max = Math.max(max, Math.abs(direct.get(a, a)));
            }
            for (int a = 0; a < direct.dim(); a += 7) {
                for (int b = 0; b < direct.dim(); b += 11) {
                    assertThat(Math.abs(summed.get(a, b) - direct.get(a, b))).as("%s[%d][%d]", name, a, b)
                            .isLessThan(1e-5 * max);
                }
            }
        }
    }

    @Test
    void calibrationSamplesAreSeededDistinctAndSorted() {
        int[] a = LayerInputs.calibrationSamples(1000, 100, 7);
        assertThat(a).hasSize(100).isSorted().doesNotHaveDuplicates();
        assertThat(a).containsExactly(LayerInputs.calibrationSamples(1000, 100, 7));
        assertThat(a).isNotEqualTo(LayerInputs.calibrationSamples(1000, 100, 8));
        assertThat(LayerInputs.calibrationSamples(5, 10, 7)).containsExactly(0, 1, 2, 3, 4);
        assertThatThrownBy(() -> LayerInputs.calibrationSamples(5, 0, 7))
                .isInstanceOf(InvalidInputException.class).hasMessage("calibration must be at least 1 sample, got 0");
    }

    @Test
    void calibrationDataOfTheWrongWidthIsRejected() {
        Checkpoint mlp = Checkpoints.init(Architecture.parse("lenet-300-100"), new Networks.Io(new int[] {784}, 10),
                Datasets.MNIST_MINI, 1);
        Dataset narrow = Datasets.load(Datasets.SYNTHETIC, Path.of("unused"), 1).train();
        assertThatThrownBy(() -> LayerInputs.collect(mlp, narrow, 10, 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("calibration data " + narrow.name() + " has " + narrow.featureCount()
                        + " features per sample, the network lenet-300-100 takes 784");
    }
}
