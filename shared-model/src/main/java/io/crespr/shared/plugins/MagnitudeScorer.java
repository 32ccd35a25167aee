package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Scorer;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code magnitude}: saliency |w| (Han et al. 2015; Zhu and Gupta 2017). */
public final class MagnitudeScorer implements Scorer {

    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public String description() {
        return "saliency |w|";
    }

    @Override
    public Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (ParamTensor w : checkpoint.weights()) {
            float[] v = new float[w.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(w.values()[i]);
            }
            s.put(w.name(), v);
        }
        return new Saliency(name(), s);
    }
}
