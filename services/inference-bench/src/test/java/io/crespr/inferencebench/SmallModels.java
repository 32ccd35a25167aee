package io.crespr.inferencebench;

import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Pruned LeNet-300-100 checkpoints made in milliseconds: seeded weights, random masks, optional modules. */
final class SmallModels {

    private SmallModels() {
    }

    /** An untrained LeNet-300-100 for mnist-mini, no masks. */
    static Checkpoint dense() {
        return Checkpoints.init(Architecture.parse("lenet-300-100"), new Networks.Io(new int[] {784}, 10), "mnist-mini", 1);
    }

    /**
     * Keeps each weight with probability {@code keep}; with {@code k > 0}, a module map of k
     * modules (inputs shared, hidden units and classes round-robin).
     */
    static Checkpoint pruned(double keep, int k) {
        Checkpoint c = dense();
        Map<String, Mask> masks = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(3);
        for (ParamTensor w : c.weights()) {
            boolean[] kept = new boolean[w.size()];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = rnd.nextDouble() < keep;
            }
            masks.put(w.name(), new Mask(w.name(), kept));
        }
        Checkpoint p = Checkpoints.applyMasks(c, masks, c.provenance());
        if (k == 0) {
            return p;
        }
        List<int[]> assignments = new ArrayList<>();
        int[] inputs = new int[784];
        Arrays.fill(inputs, -1);
        assignments.add(inputs);
        for (int width : new int[] {300, 100, 10}) {
            int[] a = new int[width];
            for (int i = 0; i < width; i++) {
                a[i] = i % k;
            }
            assignments.add(a);
        }
        return p.derive(p.id(), p.params(), p.masks(), new ModuleMap(k, assignments), p.provenance());
    }

    static Path save(Checkpoint c, Path file) {
        CheckpointCodec.save(c, file);
        return file;
    }

    /** Surviving (non-zero) weights: the sparse multiply-adds per sample of a fully connected network. */
    static long nonZeroWeights(Checkpoint c) {
        long n = 0;
        for (ParamTensor w : c.weights()) {
            for (float v : w.values()) {
                n += v != 0f ? 1 : 0;
            }
        }
        return n;
    }

    /** Every weight: the dense multiply-adds per sample of a fully connected network. */
    static long allWeights(Checkpoint c) {
        return c.weights().stream().mapToLong(ParamTensor::size).sum();
    }
}
