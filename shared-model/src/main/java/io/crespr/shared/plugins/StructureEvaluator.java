package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.modules.InterModuleMass;
import io.crespr.shared.modules.NormalizedCut;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.PluginOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code structure}: what is left of the network's wiring. Keys: {@code connectedUnits} (per
 * hidden node layer, the units on some input-to-output path of surviving weights — extreme
 * sparsity strands units), and with modules {@code intraModuleSurvivorShare} (share of
 * surviving weights that join two nodes of one module), {@code interModuleMassShare} and
 * {@code nCut} (normalised cut of the partition on the surviving |w| graph).
 */
public final class StructureEvaluator implements Evaluator {

    @Override
    public String name() {
        return "structure";
    }

    @Override
    public String description() {
        return "connected units per layer; intra-module survivors, inter-module mass and n-cut with modules";
    }

    @Override
    public Map<String, Object> evaluate(Checkpoint c, DataSplit data, PluginOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connectedUnits", connectedUnits(c));
        if (!c.modules().isEmpty()) {
            long intra = 0;
            long all = 0;
            for (int l = 0; l < c.weights().size(); l++) {
                int[] module = ModuleStructure.moduleOfWeights(c, c.modules(), l);
                float[] v = c.weights().get(l).values();
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != 0f) {
                        all++;
                        intra += module[i] >= 0 ? 1 : 0;
                    }
                }
            }
            m.put("intraModuleSurvivorShare", all == 0 ? 0.0 : (double) intra / all);
            m.put("interModuleMassShare", InterModuleMass.share(c, c.modules()));
            m.put("nCut", NormalizedCut.of(c, c.modules()));
        }
        return m;
    }

    /** Units of every hidden node layer that lie on an input-to-output path of non-zero weights. */
    static List<Integer> connectedUnits(Checkpoint c) {
        List<ParamTensor> w = c.weights();
        int[] sizes = ModuleStructure.nodeLayerSizes(c);
        int layers = sizes.length;
        boolean[][] forward = new boolean[layers][];
        boolean[][] backward = new boolean[layers][];
        for (int l = 0; l < layers; l++) {
            forward[l] = new boolean[sizes[l]];
            backward[l] = new boolean[sizes[l]];
        }
        java.util.Arrays.fill(forward[0], true);
        java.util.Arrays.fill(backward[layers - 1], true);
        for (int l = 0; l < w.size(); l++) {
            final int layer = l;
            edges(w.get(l), sizes[l], (src, dst) -> {
                if (forward[layer][src]) {
                    forward[layer + 1][dst] = true;
                }
            });
        }
        for (int l = w.size() - 1; l >= 0; l--) {
            final int layer = l;
            edges(w.get(l), sizes[l], (src, dst) -> {
                if (backward[layer + 1][dst]) {
                    backward[layer][src] = true;
                }
            });
        }
        List<Integer> out = new ArrayList<>();
        for (int l = 1; l < layers - 1; l++) {
            int n = 0;
            for (int i = 0; i < sizes[l]; i++) {
                n += forward[l][i] && backward[l][i] ? 1 : 0;
            }
            out.add(n);
        }
        return out;
    }

    /** Every non-zero weight as an edge between node indices (channels for convolutions). */
    private static void edges(ParamTensor w, int sourceNodes, Edge edge) {
        float[] v = w.values();
        ModuleStructure.forEachWeight(w, sourceNodes, (i, src, dst) -> {
            if (v[i] != 0f) {
                edge.accept(src, dst);
            }
        });
    }

    private interface Edge {
        void accept(int src, int dst);
    }
}
