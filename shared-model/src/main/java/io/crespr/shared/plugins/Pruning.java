package io.crespr.shared.plugins;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.spi.Saliency;

/** Counting and ranking rules shared by the pruners. */
final class Pruning {

    private Pruning() {
    }

    /** The number of weights a sparsity asks to prune: {@code round(target * total)}. */
    static long prunedCount(double target, long total) {
        if (!(target >= 0 && target < 1)) {
            throw new InvalidInputException("sparsity must be in [0, 1), got " + target);
        }
        return Math.round(target * total);
    }

    static float[] saliencyOf(Saliency s, ParamTensor w) {
        float[] v = s.values().get(w.name());
        if (v == null || v.length != w.size()) {
            throw new InvalidInputException("scorer " + s.scorer() + " gave no saliency of the right size for "
                    + w.name());
        }
        return v;
    }

    /** Prunes the least salient kept weights of one array until {@code targetPruned} are pruned. */
    static void pruneWithin(boolean[] keep, float[] saliency, long targetPruned) {
        int kept = 0;
        for (boolean b : keep) {
            kept += b ? 1 : 0;
        }
        long toPrune = targetPruned - (keep.length - kept);
        if (toPrune <= 0) {
            return;
        }
        long[] keys = new long[kept];
        int n = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                keys[n++] = SaliencyOrder.key(saliency[i], i);
            }
        }
        SaliencyOrder.ascending(keys);
        for (int j = 0; j < toPrune; j++) {
            keep[SaliencyOrder.position(keys[j])] = false;
        }
    }
}
