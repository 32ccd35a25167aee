package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds DL4J networks for an {@link Architecture} and moves parameters between a network and
 * a {@link Checkpoint}. Every network takes flat float input {@code [batch, features]}; LeNet-5
 * reshapes it to {@code [batch, channels, side, side]} itself.
 */
public final class Networks {

    private Networks() {
    }

    /** The input and output size a network needs. */
    public record Io(int[] inputShape, int numClasses) {
        public int featureCount() {
            int d = 1;
            for (int s : inputShape) {
                d *= s;
            }
            return d;
        }
    }

    /** A fresh network with seeded initial weights. */
    public static MultiLayerNetwork build(Architecture arch, Io io, long seed, IUpdater updater) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater == null ? new NoOp() : updater)
                .weightInit(WeightInit.RELU)
                .list();
        int classes = io.numClasses();
        if (arch.kind() == Architecture.Kind.MLP) {
            int in = io.featureCount();
            int i = 0;
            for (int w : arch.hidden()) {
                b.layer(i++, new DenseLayer.Builder().nIn(in).nOut(w).activation(Activation.RELU).build());
                in = w;
            }
            b.layer(i, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(classes)
                    .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        } else {
            int[] s = io.inputShape();
            if (s.length != 3 || s[1] != s[2] || s[1] < 16) {
                throw new InvalidInputException("lenet-5 needs square images of side >= 16 with shape {c, h, w}, got "
                        + java.util.Arrays.toString(s));
            }
            // Caffe's LeNet: no non-linearity after the convolutions, ReLU in the 500-unit layer.
            b.layer(0, new ConvolutionLayer.Builder(5, 5).nIn(s[0]).nOut(20).stride(1, 1)
                            .activation(Activation.IDENTITY).build())
                    .layer(1, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(2, new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1)
                            .activation(Activation.IDENTITY).build())
                    .layer(3, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(4, new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
                    .layer(5, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                            .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                    .setInputType(InputType.convolutionalFlat(s[1], s[2], s[0]));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /** The network's parameters, copied out in its own order. */
    public static List<ParamTensor> params(MultiLayerNetwork net) {
        List<ParamTensor> out = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            INDArray v = e.getValue();
            out.add(new ParamTensor(e.getKey(), v.shape().clone(), Nd4j.toFlattened('c', v).toFloatVector()));
        }
        return out;
    }

    /** Copies the checkpoint's values into the network's parameter views. */
    public static void setParams(MultiLayerNetwork net, List<ParamTensor> params) {
        Map<String, INDArray> table = net.paramTable();
        if (table.size() != params.size()) {
            throw new InvalidInputException("checkpoint has " + params.size() + " parameter arrays, the network "
                    + table.size());
        }
        for (ParamTensor p : params) {
            INDArray view = table.get(p.name());
            if (view == null || !java.util.Arrays.equals(view.shape(), p.shape())) {
                throw new InvalidInputException("parameter " + p.name() + " " + java.util.Arrays.toString(p.shape())
                        + " does not fit the network" + (view == null ? "" : " " + java.util.Arrays.toString(view.shape())));
            }
            view.assign(Nd4j.create(p.values(), p.shape(), 'c'));
        }
    }

    /** Input and output sizes read off a checkpoint's parameter shapes. */
    public static Io io(Architecture arch, List<ParamTensor> params) {
        List<ParamTensor> w = params.stream().filter(ParamTensor::isWeight).toList();
        if (w.isEmpty()) {
            throw new InvalidInputException("checkpoint has no weight arrays");
        }
        int classes = (int) w.get(w.size() - 1).shape()[1];
        if (arch.kind() == Architecture.Kind.MLP) {
            return new Io(new int[] {(int) w.get(0).shape()[0]}, classes);
        }
        int channels = (int) w.get(0).shape()[1];
        // LeNet-5: side -> conv5 -> pool2 -> conv5 -> pool2 gives q x q with 50 q^2 = dense fan-in.
        long fanIn = w.get(2).shape()[0];
        int q = (int) Math.round(Math.sqrt(fanIn / 50.0));
        int side = ((q * 2) + 4) * 2 + 4;
        return new Io(new int[] {channels, side, side}, classes);
    }

    /** A network holding a checkpoint's weights. */
    public static MultiLayerNetwork fromCheckpoint(Checkpoint c, IUpdater updater, long seed) {
        Architecture arch = Architecture.parse(c.architecture());
        MultiLayerNetwork net = build(arch, io(arch, c.params()), seed, updater);
        setParams(net, c.params());
        return net;
    }

    /**
     * A flat 0/1 vector in the layout of {@code net.params()}: 0 at every pruned weight. Built by
     * writing the masks through the network's own parameter views, so layouts always agree.
     */
    public static INDArray flatMask(MultiLayerNetwork net, Map<String, Mask> masks) {
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        for (Mask m : masks.values()) {
            float[] f = new float[m.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = m.keep()[i] ? 1f : 0f;
            }
            values.put(m.param(), f);
        }
        return flat(net, values, 1f);
    }

    /**
     * A flat vector in the layout of {@code net.params()}: each named parameter's row-major
     * values written through its view, {@code fill} everywhere else.
     */
    public static INDArray flat(MultiLayerNetwork net, Map<String, float[]> values, float fill) {
        INDArray saved = net.params().dup();
        net.params().assign(fill);
        Map<String, INDArray> table = net.paramTable();
        values.forEach((name, v) -> {
            INDArray view = table.get(name);
            view.assign(Nd4j.create(v, view.shape(), 'c'));
        });
        INDArray flat = net.params().dup();
        net.params().assign(saved);
        return flat;
    }
}
