package io.crespr.shared.inference;

/**
 * The inner loops every kernel spends its time in. {@link #BEST} is the JDK Vector API's version
 * ({@link VectorOps}) when the JVM runs with {@code --add-modules jdk.incubator.vector} (as
 * {@code ./crespr} and the tests start it), otherwise the plain loops of {@link Ops.Scalar}; the
 * system property {@code crespr.inference.scalar=true} forces the plain loops. Both give the same
 * sums up to float rounding (the vector loops fuse multiply and add and sum in another order).
 */
abstract class Ops {

    /** The loops this JVM runs. */
    static final Ops BEST = choose();

    /** {@code y[yi + j] += w · x[xi + j]} for {@code j < n}. */
    abstract void axpy(float w, float[] x, int xi, float[] y, int yi, int n);

    /** {@code Σ a[ai + j] · x[xi + j]} for {@code j < n}. */
    abstract float dot(float[] a, int ai, float[] x, int xi, int n);

    /** In words, for plans and reports: "scalar" or "vector 512-bit". */
    abstract String label();

    private static Ops choose() {
        if (!Boolean.getBoolean("crespr.inference.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Ops) Class.forName("io.crespr.shared.inference.VectorOps").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new Scalar();
            }
        }
        return new Scalar();
    }

    /** Plain Java loops (C2 does not vectorise {@link #axpy}: it cannot rule out that x and y alias). */
    static final class Scalar extends Ops {

        @Override
        void axpy(float w, float[] x, int xi, float[] y, int yi, int n) {
            for (int j = 0; j < n; j++) {
                y[yi + j] += w * x[xi + j];
            }
        }

        @Override
        float dot(float[] a, int ai, float[] x, int xi, int n) {
            float acc = 0f;
            for (int j = 0; j < n; j++) {
                acc += a[ai + j] * x[xi + j];
            }
            return acc;
        }

        @Override
        String label() {
            return "scalar";
        }
    }
}
