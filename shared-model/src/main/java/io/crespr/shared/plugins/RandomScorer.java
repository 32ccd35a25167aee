package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import io.crespr.shared.spi.Scorer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** {@code random}: uniform random saliency from the seed; the floor every method must clear. */
public final class RandomScorer implements Scorer {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "seeded uniform random saliency (a control)";
    }

    @Override
    public Saliency score(Checkpoint checkpoint, DataSplit data, PluginOptions options, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> s = new LinkedHashMap<>();
        for (ParamTensor w : checkpoint.weights()) {
            SplittableRandom r = rng.split();
            float[] v = new float[w.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextDouble();
            }
            s.put(w.name(), v);
        }
        return new Saliency(name(), s);
    }
}
