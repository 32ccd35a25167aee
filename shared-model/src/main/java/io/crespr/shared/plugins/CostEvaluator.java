package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code cost}: parameter and FLOP counts, dense and after pruning. One multiply-add counts as
 * two FLOPs; a convolution weight is used once per output position. Keys: {@code parameters},
 * {@code nonZeroParameters}, {@code flopsDense}, {@code flopsSparse} (per sample).
 */
public final class CostEvaluator implements Evaluator {

    @Override
    public String name() {
        return "cost";
    }

    @Override
    public String description() {
        return "parameter and FLOP counts, dense and sparse";
    }

    @Override
    public Map<String, Object> evaluate(Checkpoint c, DataSplit data, PluginOptions options) {
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        Networks.Io shape = Networks.io(Architecture.parse(c.architecture()), c.params());
        // One sample through the network gives every layer's output size.
        INDArray[] acts = net.feedForward(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1,
                shape.featureCount()), false).toArray(new INDArray[0]);
        long params = 0;
        long nonZero = 0;
        long dense = 0;
        long sparse = 0;
        for (ParamTensor p : c.params()) {
            long nz = 0;
            for (float v : p.values()) {
                nz += v != 0f ? 1 : 0;
            }
            params += p.size();
            nonZero += nz;
            INDArray out = acts[p.layerIndex() + 1];
            long positions = out.rank() == 4 ? out.size(2) * out.size(3) : 1;
            if (p.isWeight()) {
                dense += 2L * p.size() * positions;
                sparse += 2L * nz * positions;
            } else {
                dense += p.size() * positions;
                sparse += p.size() * positions;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameters", params);
        m.put("nonZeroParameters", nonZero);
        m.put("flopsDense", dense);
        m.put("flopsSparse", sparse);
        return m;
    }
}
