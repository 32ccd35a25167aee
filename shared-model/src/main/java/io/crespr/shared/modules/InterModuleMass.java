package io.crespr.shared.modules;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import java.util.List;

/**
 * How much of a network's surviving weight mass runs between modules: the sum of
 * {@code |w|} over surviving inter-module weights divided by the sum of {@code |w|} over all
 * surviving weights. Which weight is inter-module is decided by
 * {@link ModuleStructure#moduleOfWeights}, so a weight with a shared end ({@code -1}) counts
 * as intra-module. A partition with no modular structure has a share near
 * {@code 1 - Σ_m p_m q_m} (p, q: the module shares of the two node layers), i.e.
 * {@code 1 - 1/k} for balanced modules.
 */
public final class InterModuleMass {

    private InterModuleMass() {
    }

    /** The inter-module share of the surviving |w| over all weight arrays; 0 for an empty map or no mass. */
    public static double share(Checkpoint c, ModuleMap modules) {
        double[][] byLayer = massByLayer(c, modules);
        double inter = 0;
        double total = 0;
        for (double[] l : byLayer) {
            inter += l[0];
            total += l[1];
        }
        return total == 0 ? 0 : inter / total;
    }

    /** The inter-module share of the surviving |w| of every weight array, in order. */
    public static double[] shareByLayer(Checkpoint c, ModuleMap modules) {
        double[][] byLayer = massByLayer(c, modules);
        double[] out = new double[byLayer.length];
        for (int l = 0; l < out.length; l++) {
            out[l] = byLayer[l][1] == 0 ? 0 : byLayer[l][0] / byLayer[l][1];
        }
        return out;
    }

    private static double[][] massByLayer(Checkpoint c, ModuleMap modules) {
        List<ParamTensor> weights = c.weights();
        double[][] out = new double[weights.size()][2];
        if (modules.isEmpty()) {
            return out;
        }
        ModuleStructure.check(c, modules);
        for (int l = 0; l < weights.size(); l++) {
            ParamTensor w = weights.get(l);
            Mask mask = c.mask(w.name());
            int[] moduleOfWeight = ModuleStructure.moduleOfWeights(c, modules, l);
            float[] v = w.values();
            for (int i = 0; i < v.length; i++) {
                if (!mask.keep()[i]) {
                    continue;
                }
                double a = Math.abs(v[i]);
                out[l][1] += a;
                if (moduleOfWeight[i] == -1) {
                    out[l][0] += a;
                }
            }
        }
        return out;
    }
}
