package io.crespr.shared.inference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Ops} on the JDK Vector API, in the widest vectors this CPU has; loaded only when the
 * JVM has the {@code jdk.incubator.vector} module. Tails shorter than a vector run as plain loops.
 */
final class VectorOps extends Ops {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    void axpy(float w, float[] x, int xi, float[] y, int yi, int n) {
        int j = 0;
        if (n >= S.length()) {
            FloatVector wv = FloatVector.broadcast(S, w);
            for (int bound = S.loopBound(n); j < bound; j += S.length()) {
                FloatVector.fromArray(S, x, xi + j).fma(wv, FloatVector.fromArray(S, y, yi + j)).intoArray(y, yi + j);
            }
        }
        for (; j < n; j++) {
            y[yi + j] += w * x[xi + j];
        }
    }

    @Override
    float dot(float[] a, int ai, float[] x, int xi, int n) {
        int j = 0;
        float acc = 0f;
        if (n >= S.length()) {
            FloatVector sum = FloatVector.zero(S);
            for (int bound = S.loopBound(n); j < bound; j += S.length()) {
                sum = FloatVector.fromArray(S, a, ai + j).fma(FloatVector.fromArray(S, x, xi + j), sum);
            }
            acc = sum.reduceLanes(VectorOperators.ADD);
        }
        for (; j < n; j++) {
            acc += a[ai + j] * x[xi + j];
        }
        return acc;
    }

    @Override
    String label() {
        return "vector " + S.vectorBitSize() + "-bit";
    }
}
