package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import java.util.Arrays;

/**
 * Assigns the nodes of one layer to {@code k} modules from a preference score per node and
 * module (higher is better): either with equal-as-possible module sizes, greedily by margin,
 * or by plain preference with every module kept non-empty. Both are deterministic: ties go to
 * the lower node index and the lower module index.
 */
public final class BalancedAssignment {

    private BalancedAssignment() {
    }

    /**
     * Equal-as-possible sizes: {@code n mod k} modules get {@code ⌈n/k⌉} nodes, the others
     * {@code ⌊n/k⌋}. Greedy by margin (a regret heuristic for the capacitated assignment
     * problem): the node whose best open module beats its second-best open module by the
     * widest margin is placed first, in its best open module; when a module fills up, the
     * margins of the nodes still waiting are recomputed over the modules still open. A node
     * with equal preference for all modules (e.g. one without any connection) has margin 0
     * and fills whatever room is left.
     *
     * @param preference {@code preference[node][module]}, finite
     * @return the module of every node
     */
    public static int[] balanced(double[][] preference, int k) {
        int n = check(preference, k);
        int[] module = new int[n];
        Arrays.fill(module, -1);
        int[] size = new int[k];
        int small = n / k;
        int bigModules = n % k;
        int bigUsed = 0;
        boolean[] open = new boolean[k];
        Arrays.fill(open, true);
        int waiting = n;
        while (waiting > 0) {
            Integer[] order = orderByMargin(preference, module, open);
            boolean closed = false;
            for (int pos = 0; pos < order.length && !closed; pos++) {
                int node = order[pos];
                int best = bestOpen(preference[node], open);
                module[node] = best;
                size[best]++;
                waiting--;
                if (bigModules > 0 && size[best] == small + 1) {
                    bigUsed++;
                    open[best] = false;
                    closed = true;
                    if (bigUsed == bigModules) {
                        for (int m = 0; m < k; m++) {
                            if (open[m] && size[m] >= small) {
                                open[m] = false;
                            }
                        }
                    }
                } else if (bigModules == 0 && size[best] == small) {
                    open[best] = false;
                    closed = true;
                } else if (bigModules > 0 && bigUsed == bigModules && size[best] == small) {
                    open[best] = false;
                    closed = true;
                }
            }
        }
        return module;
    }

    /**
     * Each node to its preferred module; then every module left empty takes the node that
     * loses least by moving to it, from a module that keeps at least one node. Needs
     * {@code k <= n}.
     */
    public static int[] preferred(double[][] preference, int k) {
        int n = check(preference, k);
        boolean[] all = new boolean[k];
        Arrays.fill(all, true);
        int[] module = new int[n];
        int[] size = new int[k];
        for (int i = 0; i < n; i++) {
            module[i] = bestOpen(preference[i], all);
            size[module[i]]++;
        }
        for (int m = 0; m < k; m++) {
            if (size[m] > 0) {
                continue;
            }
            int take = -1;
            double leastLoss = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (size[module[i]] < 2) {
                    continue;
                }
                double loss = preference[i][module[i]] - preference[i][m];
                if (loss < leastLoss) {
                    leastLoss = loss;
                    take = i;
                }
            }
            size[module[take]]--;
            module[take] = m;
            size[m]++;
        }
        return module;
    }

    /** Either {@link #balanced} or {@link #preferred}. */
    public static int[] assign(double[][] preference, int k, boolean balanced) {
        return balanced ? balanced(preference, k) : preferred(preference, k);
    }

    private static int check(double[][] preference, int k) {
        int n = preference.length;
        if (k < 1 || k > n) {
            throw new InvalidInputException("cannot assign " + n + " nodes to " + k + " non-empty modules");
        }
        for (double[] p : preference) {
            if (p.length != k) {
                throw new InvalidInputException("preference rows must have " + k + " entries, got " + p.length);
            }
            for (double v : p) {
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("preference " + v + " is not finite");
                }
            }
        }
        return n;
    }

    private static Integer[] orderByMargin(double[][] preference, int[] module, boolean[] open) {
        int waiting = 0;
        for (int m : module) {
            waiting += m == -1 ? 1 : 0;
        }
        Integer[] order = new Integer[waiting];
        double[] margin = new double[module.length];
        int w = 0;
        for (int i = 0; i < module.length; i++) {
            if (module[i] != -1) {
                continue;
            }
            order[w++] = i;
            double best = Double.NEGATIVE_INFINITY;
            double second = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < open.length; m++) {
                if (!open[m]) {
                    continue;
                }
                double p = preference[i][m];
                if (p > best) {
                    second = best;
                    best = p;
                } else if (p > second) {
                    second = p;
                }
            }
            margin[i] = second == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : best - second;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(margin[y], margin[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        return order;
    }

    private static int bestOpen(double[] preference, boolean[] open) {
        int best = -1;
        for (int m = 0; m < open.length; m++) {
            if (open[m] && (best == -1 || preference[m] > preference[best])) {
                best = m;
            }
        }
        return best;
    }
}
