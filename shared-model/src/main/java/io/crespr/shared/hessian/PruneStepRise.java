package io.crespr.shared.hessian;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one pruning step cost, predicted by the layer Hessians and measured.
 *
 * <ul>
 *   <li><b>predicted</b>, per weight layer: the rise of the layer's reconstruction loss
 *       {@code ½ Σ_j δw_jᵀ H δw_j} with {@code H = XᵀX/n} (undamped) of the layer's inputs in
 *       the network before the step, on calibration samples of the training split — the
 *       quantity layer-wise OBS minimises;</li>
 *   <li><b>measured</b>, per weight layer: {@code ½·mean‖Z_after − Z_before‖²} of the layer's
 *       pre-activations on validation samples, each network fed its own inputs, so the error the
 *       earlier layers' pruning passes on is included;</li>
 *   <li>the network's cross-entropy and accuracy on those validation samples before and right
 *       after the step (before fine-tuning).</li>
 * </ul>
 * Where the measured rise far exceeds the predicted one, the local quadratic model misses the
 * error that travels through the network; that is what this figure is for.
 */
public final class PruneStepRise {

    /** Samples for both measurements when no option says otherwise. */
    public static final int DEFAULT_SAMPLES = 1000;

    /** At most this many samples for a network with convolutions. */
    static final int CONV_SAMPLES = 200;

    private PruneStepRise() {
    }

    public static Map<String, Object> measure(Checkpoint before, Checkpoint after, DataSplit data, int samples,
            long seed) {
        if (WeightLayout.anyConvolution(before)) {
            // Convolution patches make every sample hundreds of rows: fewer samples give as many rows.
            samples = Math.min(samples, CONV_SAMPLES);
        }
        LayerInputs trainBefore = LayerInputs.collect(before, data.train(), samples, seed);
        Dataset validation = data.validation().size() > 0 ? data.validation() : data.test();
        LayerInputs valBefore = LayerInputs.collect(before, validation, samples, seed);
        LayerInputs valAfter = LayerInputs.collect(after, validation, samples, seed);
        Map<String, Double> predicted = new LinkedHashMap<>();
        Map<String, Double> measured = new LinkedHashMap<>();
        double predictedSum = 0;
        double measuredSum = 0;
        for (int l = 0; l < before.weights().size(); l++) {
            ParamTensor wb = before.weights().get(l);
            ParamTensor wa = after.weights().get(l);
            WeightLayout layout = WeightLayout.of(wb);
            INDArray b = matrix(wb, layout);
            INDArray a = matrix(wa, layout);
            INDArray delta = a.sub(b);
            INDArray x = trainBefore.matrix(wb.name());
            double p = halfMeanSquare(x.mmul(delta), x.rows());
            INDArray zb = valBefore.matrix(wb.name()).mmul(b);
            INDArray za = valAfter.matrix(wb.name()).mmul(a);
            double m = halfMeanSquare(za.subi(zb), zb.rows());
            predicted.put(wb.name(), p);
            measured.put(wb.name(), m);
            predictedSum += p;
            measuredSum += m;
        }
        int[] rows = LayerInputs.calibrationSamples(validation.size(), samples, seed);
        Dataset sub = validation.subset(rows, validation.name());
        double[] lb = lossAndAccuracy(before, sub);
        double[] la = lossAndAccuracy(after, sub);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("predictedRiseByLayer", predicted);
        out.put("measuredRiseByLayer", measured);
        out.put("predictedRise", predictedSum);
        out.put("measuredRise", measuredSum);
        out.put("validationLossBefore", lb[0]);
        out.put("validationLossAfter", la[0]);
        out.put("validationLossRise", la[0] - lb[0]);
        out.put("validationAccuracyBefore", lb[1]);
        out.put("validationAccuracyAfter", la[1]);
        out.put("samples", sub.size());
        return out;
    }

    /** The weights as a float {@code inputs × outputs} matrix. */
    static INDArray matrix(ParamTensor w, WeightLayout layout) {
        float[] v = w.values();
        int d = layout.inputs();
        int m = layout.outputs();
        float[] out = new float[d * m];
        for (int j = 0; j < m; j++) {
            for (int q = 0; q < d; q++) {
                out[q * m + j] = v[layout.index(q, j)];
            }
        }
        return Nd4j.create(out, new long[] {d, m}, 'c');
    }

    private static double halfMeanSquare(INDArray diff, long rows) {
        double ss = diff.castTo(DataType.DOUBLE).norm2Number().doubleValue();
        return rows == 0 ? 0 : 0.5 * ss * ss / rows;
    }

    /** Mean cross-entropy (nats) and accuracy of the checkpoint's network on {@code data}. */
    static double[] lossAndAccuracy(Checkpoint c, Dataset data) {
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        int n = data.size();
        int d = data.featureCount();
        INDArray p = net.output(Nd4j.create(data.features(), new long[] {n, d}, 'c'), false);
        double loss = 0;
        int correct = 0;
        int[] arg = Nd4j.argMax(p, 1).toIntVector();
        for (int i = 0; i < n; i++) {
            int y = data.labels()[i];
            loss -= Math.log(Math.max(p.getDouble(i, y), 1e-12));
            correct += arg[i] == y ? 1 : 0;
        }
        return new double[] {n == 0 ? 0 : loss / n, n == 0 ? 0 : (double) correct / n};
    }
}
