package io.crespr.shared.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector and the plain loops give the same sums, at every length around the vector width and at any offset. */
class OpsTest {

    @Test
    void theTestJvmRunsTheVectorLoops() {
        // The build starts test JVMs with --add-modules jdk.incubator.vector, as ./crespr starts the command line.
        assertThat(Ops.BEST.label()).startsWith("vector ");
    }

    @Test
    void vectorAndScalarLoopsAgreeWithADoubleReference() {
        Ops vector = new VectorOps();
        Ops scalar = new Ops.Scalar();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n <= 70; n++) {
            for (int trial = 0; trial < 4; trial++) {
                int xi = rnd.nextInt(5);
                int yi = rnd.nextInt(5);
                float[] x = new float[xi + n + 3];
                float[] y = new float[yi + n + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-1, 1);
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) rnd.nextDouble(-1, 1);
                }
                float w = (float) rnd.nextDouble(-2, 2);
                float[] yv = y.clone();
                float[] ys = y.clone();
                vector.axpy(w, x, xi, yv, yi, n);
                scalar.axpy(w, x, xi, ys, yi, n);
                double dot = 0;
                for (int i = 0; i < y.length; i++) {
                    boolean inside = i >= yi && i < yi + n;
                    double expected = inside ? y[i] + (double) w * x[xi + i - yi] : y[i];
                    assertThat((double) yv[i]).as("vector axpy n=%d at %d", n, i).isCloseTo(expected, within(expected));
                    assertThat((double) ys[i]).as("scalar axpy n=%d at %d", n, i).isCloseTo(expected, within(expected));
                }
                for (int i = 0; i < n; i++) {
                    dot += (double) y[yi + i] * x[xi + i];
                }
                assertThat((double) vector.dot(y, yi, x, xi, n)).as("vector dot n=%d", n).isCloseTo(dot, within(n));
                assertThat((double) scalar.dot(y, yi, x, xi, n)).as("scalar dot n=%d", n).isCloseTo(dot, within(n));
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double scale) {
        return org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(scale)));
    }
}
