package io.crespr.shared.plugins;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Saliency;
import java.util.List;

/**
 * {@code erk}: Erdős–Rényi-Kernel densities (Evci et al. 2020, "Rigging the Lottery"): a layer's
 * density is proportional to {@code (n_in + n_out + k_h + k_w) / (n_in · n_out · k_h · k_w)}
 * (dense layers: {@code (n_in + n_out) / (n_in · n_out)}), so small layers stay denser.
 */
public final class ErkAllocator implements Allocator {

    @Override
    public String name() {
        return "erk";
    }

    @Override
    public String description() {
        return "Erdős–Rényi-Kernel densities (Evci et al. 2020): small layers stay denser";
    }

    @Override
    public long[] keep(Checkpoint c, Saliency saliency, double target, PluginOptions options) {
        List<ParamTensor> w = c.weights();
        double[] desired = new double[w.size()];
        for (int l = 0; l < desired.length; l++) {
            long[] s = w.get(l).shape();
            double sum = 0;
            double prod = 1;
            for (long d : s) {
                sum += d;
                prod *= d;
            }
            // density ∝ sum/prod, so kept = density · size ∝ sum; Allocations scales it to the total.
            desired[l] = sum / prod * w.get(l).size();
        }
        return Allocations.exact(desired, Allocations.currentlyKept(c), Allocations.keptTotal(c, target));
    }
}
