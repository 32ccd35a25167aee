package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Making checkpoints: a fresh network, and the next checkpoint after a stage. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** A new network of {@code arch} with seeded weights, no masks, no modules. */
    public static Checkpoint init(Architecture arch, Networks.Io io, String dataset, long seed) {
        return init(arch, io, dataset, seed, seed);
    }

    /**
     * A new network whose weights come from {@code weightSeed} (a stream derived from the job's
     * seed) while provenance records the job's own {@code planSeed}, the one a user can rerun.
     */
    public static Checkpoint init(Architecture arch, Networks.Io io, String dataset, long weightSeed, long planSeed) {
        MultiLayerNetwork net = Networks.build(arch, io, weightSeed, null);
        Provenance p = new Provenance(null, "init", List.of(), dataset, planSeed, 0, Versions.current(),
                Instant.now().toString());
        return new Checkpoint(newId(), arch.spec(), Networks.params(net), Map.of(), ModuleMap.EMPTY, p);
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Provenance of a checkpoint made from {@code parent} by {@code plugin} in {@code stage}. */
    public static Provenance next(Checkpoint parent, String stage, PluginRef plugin, int round) {
        Provenance pp = parent.provenance();
        List<PluginRef> plugins = new ArrayList<>(pp.plugins());
        if (plugin != null) {
            plugins.add(plugin);
        }
        return new Provenance(parent.id(), stage, plugins, pp.dataset(), pp.seed(), round, Versions.current(),
                Instant.now().toString());
    }

    /**
     * Applies masks: every pruned weight becomes exactly zero. Masks only ever shrink: a weight
     * pruned in {@code c} stays pruned whatever the new mask says.
     */
    public static Checkpoint applyMasks(Checkpoint c, Map<String, Mask> newMasks, Provenance provenance) {
        Map<String, Mask> merged = new LinkedHashMap<>();
        List<ParamTensor> params = new ArrayList<>();
        for (ParamTensor p : c.params()) {
            Mask m = newMasks.get(p.name());
            if (m == null) {
                params.add(p);
                if (c.masks().containsKey(p.name())) {
                    merged.put(p.name(), c.masks().get(p.name()));
                }
                continue;
            }
            if (!p.isWeight()) {
                throw new InvalidInputException("only weight arrays can be masked, got a mask for " + p.name());
            }
            boolean[] old = c.mask(p.name()).keep();
            boolean[] keep = new boolean[p.size()];
            float[] v = p.values().clone();
            for (int i = 0; i < keep.length; i++) {
                keep[i] = old[i] && m.keep()[i];
                if (!keep[i]) {
                    v[i] = 0f;
                }
            }
            merged.put(p.name(), new Mask(p.name(), keep));
            params.add(p.withValues(v));
        }
        return c.derive(newId(), params, merged, c.modules(), provenance);
    }
}
