package io.crespr.shared.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.spi.PluginOptions;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.Schedule;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void cubicFollowsZhuAndGupta() {
        double[] s = new CubicSchedule().sparsities(0.998, 12, PluginOptions.none("cubic"));
        assertThat(s).hasSize(12);
        assertThat(s[11]).isEqualTo(0.998);
        assertThat(s[0]).isCloseTo(0.998 * (1 - Math.pow(11.0 / 12, 3)), org.assertj.core.data.Offset.offset(1e-12));
        for (int i = 1; i < s.length; i++) {
            assertThat(s[i]).isGreaterThan(s[i - 1]);
            // steps shrink toward the end
            if (i > 1) {
                assertThat(s[i] - s[i - 1]).isLessThan(s[i - 1] - s[i - 2]);
            }
        }
    }

    @Test
    void geometricShrinksDensityByAConstantFactor() {
        double[] s = new GeometricSchedule().sparsities(0.99, 4, PluginOptions.none("geometric"));
        for (int i = 1; i < s.length; i++) {
            assertThat((1 - s[i]) / (1 - s[i - 1])).isCloseTo(Math.pow(0.01, 0.25),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(s[3]).isEqualTo(0.99);
    }

    @Test
    void oneShotPrunesAtOnce() {
        assertThat(new OneShotSchedule().sparsities(0.9, 3, PluginOptions.none("one-shot")))
                .containsExactly(0.9, 0.9, 0.9);
    }

    @Test
    void allSchedulesAreFoundByNameAndRejectBadInput() {
        assertThat(Plugins.names(Schedule.class)).containsExactly("cubic", "geometric", "one-shot");
        assertThatThrownBy(() -> new CubicSchedule().sparsities(0.9, 0, PluginOptions.none("cubic")))
                .isInstanceOf(InvalidInputException.class).hasMessage("rounds must be >= 1, got 0");
        assertThatThrownBy(() -> Plugins.get(Schedule.class, "linear"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown schedule plugin 'linear'; known: cubic, geometric, one-shot");
    }
}
