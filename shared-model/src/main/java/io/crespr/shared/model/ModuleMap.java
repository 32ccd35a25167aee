package io.crespr.shared.model;

import java.util.Arrays;
import java.util.List;

/**
 * Assignment of the network's nodes to modules. {@code assignments.get(0)} holds one module
 * index per input feature, then one list per hidden layer (units, or channels for
 * convolutions), and the last one per class. A module index of {@code -1} means "shared by
 * all modules" (e.g. input features when they are not partitioned). Empty until a cluster
 * stage has run.
 */
public record ModuleMap(int k, List<int[]> assignments) {

    public static final ModuleMap EMPTY = new ModuleMap(0, List.of());

    public ModuleMap {
        assignments = List.copyOf(assignments);
    }

    public boolean isEmpty() {
        return k == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModuleMap m) || m.k != k || m.assignments.size() != assignments.size()) {
            return false;
        }
        for (int i = 0; i < assignments.size(); i++) {
            if (!Arrays.equals(assignments.get(i), m.assignments.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = k;
        for (int[] a : assignments) {
            h = h * 31 + Arrays.hashCode(a);
        }
        return h;
    }
}
