package io.crespr.shared.streaming;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.messages.BadEventException;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that a checkpoint arriving from the wire is the network the plan describes: the same
 * architecture, and every parameter with the name and shape that architecture has on the plan's
 * dataset. A mismatch is bad input ({@code CHECKPOINT_DOES_NOT_FIT}), found before any work.
 */
public final class CheckpointFit {

    private static final Map<String, Map<String, List<Long>>> EXPECTED = new ConcurrentHashMap<>();

    private CheckpointFit() {
    }

    public static Checkpoint check(Checkpoint c, String planArch, DataSplit data) {
        Architecture arch = Architecture.parse(planArch);
        String got;
        try {
            got = Architecture.parse(c.architecture()).spec();
        } catch (RuntimeException e) {
            throw notFit(c, "its architecture '" + c.architecture() + "' does not parse");
        }
        if (!got.equals(arch.spec())) {
            throw notFit(c, "it is a " + got + ", the plan says " + arch.spec());
        }
        Map<String, List<Long>> expected = EXPECTED.computeIfAbsent(arch.spec() + "|"
                + Arrays.toString(data.inputShape()) + "|" + data.numClasses(), k -> shapes(arch, data));
        Map<String, List<Long>> actual = new LinkedHashMap<>();
        for (ParamTensor p : c.params()) {
            actual.put(p.name(), Arrays.stream(p.shape()).boxed().toList());
        }
        if (!actual.equals(expected)) {
            throw notFit(c, "its parameters " + actual + " are not the " + expected + " of " + arch.spec() + " on "
                    + data.name());
        }
        return c;
    }

    private static Map<String, List<Long>> shapes(Architecture arch, DataSplit data) {
        Map<String, List<Long>> m = new LinkedHashMap<>();
        for (ParamTensor p : Networks.params(Networks.build(arch, new Networks.Io(data.inputShape(), data.numClasses()),
                0, null))) {
            m.put(p.name(), Arrays.stream(p.shape()).boxed().toList());
        }
        return m;
    }

    private static BadEventException notFit(Checkpoint c, String why) {
        return new BadEventException(BadEventException.Problem.CHECKPOINT_DOES_NOT_FIT, "checkpoint " + c.id()
                + " does not fit the plan: " + why);
    }
}
