package io.crespr.shared.modules;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ParamTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Hand-made checkpoints and graphs for the module tests. */
public final class GraphFixtures {

    private GraphFixtures() {
    }

    /** A checkpoint holding exactly these weight arrays (named 0_W, 1_W, …, biases left out). */
    public static Checkpoint checkpoint(String architecture, List<ParamTensor> weights, Map<String, Mask> masks) {
        return new Checkpoint("fixture", architecture, weights, masks, ModuleMap.EMPTY, null);
    }

    public static ParamTensor dense(int layer, int nIn, int nOut, float... values) {
        return new ParamTensor(layer + "_W", new long[] {nIn, nOut}, values);
    }

    /**
     * An MLP checkpoint with planted modules: node layer {@code l} has {@code sizes[l]} nodes,
     * node {@code i} of a layer with {@code n} nodes belongs to module {@code i * k / n}; an
     * intra-module weight is {@code strong} plus up to 10 % noise, an inter-module one
     * {@code weak} times a uniform draw; signs random.
     */
    public static Checkpoint plantedMlp(int[] sizes, int k, double strong, double weak, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ParamTensor> weights = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            float[] v = new float[nIn * nOut];
            for (int q = 0; q < nIn; q++) {
                for (int j = 0; j < nOut; j++) {
                    boolean intra = q * k / nIn == j * k / nOut;
                    double m = intra ? strong * (1 + 0.1 * r.nextDouble()) : weak * r.nextDouble();
                    v[q * nOut + j] = (float) (r.nextBoolean() ? m : -m);
                }
            }
            weights.add(dense(l, nIn, nOut, v));
        }
        return checkpoint(mlpSpec(sizes), weights, Map.of());
    }

    /** The planted module of every node of {@link #plantedMlp}. */
    public static int[] plantedModules(int n, int k) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = i * k / n;
        }
        return m;
    }

    private static String mlpSpec(int[] sizes) {
        StringBuilder s = new StringBuilder("mlp:");
        for (int l = 1; l + 1 < sizes.length; l++) {
            s.append(l > 1 ? "," : "").append(sizes[l]);
        }
        return s.toString();
    }
}
