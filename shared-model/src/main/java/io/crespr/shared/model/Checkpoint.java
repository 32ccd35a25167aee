package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a network: its architecture, its parameters in DL4J's order, the
 * masks of its prunable weights, its module map and its provenance. A checkpoint is the value
 * every stage takes and returns.
 *
 * @param id           a unique id (the stage that makes a checkpoint assigns it)
 * @param architecture the architecture spec it was built from (see {@link Architecture})
 * @param params       every parameter array, in the network's parameter order
 * @param masks        one mask per weight array, by parameter name; a weight with {@code keep=false} is exactly zero
 * @param modules      the module map, {@link ModuleMap#EMPTY} before clustering
 * @param provenance   how it was made
 */
public record Checkpoint(String id, String architecture, List<ParamTensor> params, Map<String, Mask> masks,
        ModuleMap modules, Provenance provenance) {

    public Checkpoint {
        params = List.copyOf(params);
        masks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        for (Mask m : masks.values()) {
            ParamTensor p = params.stream().filter(t -> t.name().equals(m.param())).findFirst()
                    .orElseThrow(() -> new InvalidInputException("mask for unknown parameter " + m.param()));
            if (p.size() != m.size()) {
                throw new InvalidInputException("mask of " + m.param() + " has " + m.size()
                        + " entries, the parameter has " + p.size());
            }
            for (int i = 0; i < m.size(); i++) {
                if (!m.keep()[i] && p.values()[i] != 0f) {
                    throw new InvalidInputException("parameter " + p.name() + " is non-zero at pruned index " + i);
                }
            }
        }
    }

    public ParamTensor param(String name) {
        for (ParamTensor p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new InvalidInputException("checkpoint has no parameter " + name);
    }

    /** The prunable weight arrays, in order. */
    public List<ParamTensor> weights() {
        List<ParamTensor> w = new ArrayList<>();
        for (ParamTensor p : params) {
            if (p.isWeight()) {
                w.add(p);
            }
        }
        return w;
    }

    /** The mask of a weight array; all-kept when none was set. */
    public Mask mask(String param) {
        Mask m = masks.get(param);
        return m != null ? m : Mask.dense(param, param(param).size());
    }

    /** Number of prunable weights. */
    public long prunableCount() {
        return weights().stream().mapToLong(ParamTensor::size).sum();
    }

    /** Share of prunable weights that are pruned (mask false). */
    public double sparsity() {
        long total = 0;
        long pruned = 0;
        for (ParamTensor w : weights()) {
            total += w.size();
            pruned += mask(w.name()).prunedCount();
        }
        return total == 0 ? 0 : (double) pruned / total;
    }

    /** The same checkpoint with other parameter values. */
    public Checkpoint withParams(List<ParamTensor> newParams) {
        return new Checkpoint(id, architecture, newParams, masks, modules, provenance);
    }

    /** A copy with new params, masks, modules and provenance under a new id. */
    public Checkpoint derive(String newId, List<ParamTensor> newParams, Map<String, Mask> newMasks,
            ModuleMap newModules, Provenance newProvenance) {
        return new Checkpoint(newId, architecture, newParams, newMasks, newModules, newProvenance);
    }

    public Map<String, ParamTensor> paramsByName() {
        Map<String, ParamTensor> m = new LinkedHashMap<>();
        params.forEach(p -> m.put(p.name(), p));
        return m;
    }
}
