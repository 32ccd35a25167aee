package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;

/**
 * The normalized cut of a module partition of a {@link NetworkGraph} (Shi &amp; Malik 2000,
 * "Normalized cuts and image segmentation", IEEE TPAMI 22(8)):
 * {@code Ncut = Σ_m cut(m) / vol(m)}, where {@code cut(m)} is the mass of the edges between
 * module {@code m} and other modules and {@code vol(m)} the total degree of its nodes. It
 * lies in {@code [0, k]}; 0 means the modules are disconnected from each other.
 *
 * <p>A node shared by all modules ({@code -1}) joins the module of the other end of each of
 * its edges, as in {@link ModuleStructure#moduleOfWeights}: such an edge is internal to that
 * module and counts twice toward its volume. An edge whose ends are both shared belongs to
 * no module and is left out. Without shared nodes this is exactly Shi and Malik's value.
 */
public final class NormalizedCut {

    private NormalizedCut() {
    }

    /** The normalized cut of a checkpoint's weight graph under {@code modules}; 0 for an empty map. */
    public static double of(Checkpoint c, ModuleMap modules) {
        if (modules.isEmpty()) {
            return 0;
        }
        ModuleStructure.check(c, modules);
        return of(NetworkGraph.of(c), modules);
    }

    /** The normalized cut of {@code graph} under {@code modules}. */
    public static double of(NetworkGraph graph, ModuleMap modules) {
        if (modules.isEmpty()) {
            return 0;
        }
        if (modules.assignments().size() != graph.layerCount()) {
            throw new InvalidInputException("module map has " + modules.assignments().size() + " node layers, the graph "
                    + graph.layerCount());
        }
        int k = modules.k();
        double[] cut = new double[k];
        double[] volume = new double[k];
        for (int l = 0; l + 1 < graph.layerCount(); l++) {
            int[] src = modules.assignments().get(l);
            int[] dst = modules.assignments().get(l + 1);
            int nDst = graph.size(l + 1);
            double[] m = graph.massMatrix(l);
            for (int i = 0; i < graph.size(l); i++) {
                for (int j = 0; j < nDst; j++) {
                    double w = m[i * nDst + j];
                    if (w == 0) {
                        continue;
                    }
                    int a = src[i];
                    int b = dst[j];
                    if (a == -1 && b == -1) {
                        continue;
                    }
                    if (a == -1 || b == -1 || a == b) {
                        volume[a == -1 ? b : a] += 2 * w;
                    } else {
                        cut[a] += w;
                        cut[b] += w;
                        volume[a] += w;
                        volume[b] += w;
                    }
                }
            }
        }
        double ncut = 0;
        for (int mod = 0; mod < k; mod++) {
            if (volume[mod] > 0) {
                ncut += cut[mod] / volume[mod];
            }
        }
        return ncut;
    }
}
