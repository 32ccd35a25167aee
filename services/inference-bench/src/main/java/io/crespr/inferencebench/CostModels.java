package io.crespr.inferencebench;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.inference.CostModel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * A cost model as one string, so every fork chooses its auto plan from the costs the runner
 * calibrated once (which kernels are worth timing on each layer) rather than calibrating again.
 * Every component of the record, in order, separated by {@code ;}; numbers in
 * full precision.
 */
public final class CostModels {

    private CostModels() {
    }

    public static String encode(CostModel c) {
        List<String> parts = new ArrayList<>();
        for (RecordComponent rc : CostModel.class.getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(c);
                String s = String.valueOf(v);
                if (s.contains(";")) {
                    throw new IllegalArgumentException("cost model component " + rc.getName() + " contains ';': " + s);
                }
                parts.add(s);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read cost model component " + rc.getName(), e);
            }
        }
        return String.join(";", parts);
    }

    public static CostModel decode(String s) {
        RecordComponent[] rcs = CostModel.class.getRecordComponents();
        String[] f = s.split(";", -1);
        if (f.length != rcs.length) {
            throw new InvalidInputException("cost model '" + s + "': " + f.length + " fields, expected " + rcs.length);
        }
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        try {
            for (int i = 0; i < rcs.length; i++) {
                types[i] = rcs[i].getType();
                if (types[i] == double.class) {
                    args[i] = Double.parseDouble(f[i]);
                } else if (types[i] == int.class) {
                    args[i] = Integer.parseInt(f[i]);
                } else if (types[i] == long.class) {
                    args[i] = Long.parseLong(f[i]);
                } else if (types[i] == String.class) {
                    args[i] = f[i];
                } else {
                    throw new IllegalStateException("cost model component " + rcs[i].getName() + " has type "
                            + types[i].getName());
                }
            }
            return CostModel.class.getDeclaredConstructor(types).newInstance(args);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("cost model '" + s + "': " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild the cost model from '" + s + "'", e);
        }
    }
}
