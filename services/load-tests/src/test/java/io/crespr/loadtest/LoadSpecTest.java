package io.crespr.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Scenarios, flags and their caps; bad input fails in one line before anything starts. */
class LoadSpecTest {

    @TempDir
    Path tmp;

    @Test
    void scenariosHaveBoundedDefaultsAndFlagsOverrideThem() {
        assertThat(LoadSpec.defaults("smoke").with(null, null, null, null, null))
                .isEqualTo(new LoadSpec("smoke", 3, 0, 0, null, Duration.ofMinutes(2)));
        assertThat(LoadSpec.defaults("burst").with(50, null, null, null, "20m"))
                .isEqualTo(new LoadSpec("burst", 50, 0, 0, null, Duration.ofMinutes(20)));
        LoadSpec soak = LoadSpec.defaults("soak").with(null, null, 4, "90s", null);
        assertThat(soak.concurrency()).isEqualTo(4);
        assertThat(soak.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(soak.jobs()).isEqualTo(LoadSpec.MAX_JOBS);
        assertThat(LoadSpec.defaults("steady").with(10, 0.5, null, null, null).describe())
                .startsWith("10 jobs at 0.5/s");
        assertThat(LoadSpec.parseDuration("--duration", "1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(LoadSpec.parseDuration("--duration", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(LoadSpec.parseDuration("--duration", "2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void countsRatesAndTimesBeyondTheCapsAreRefused() {
        LoadSpec burst = LoadSpec.defaults("burst");
        assertThatThrownBy(() -> burst.with(10_001, null, null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--jobs must be 1 to 10000");
        assertThatThrownBy(() -> burst.with(0, null, null, null, null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> burst.with(null, -1.0, null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--rate must be 0");
        assertThatThrownBy(() -> burst.with(null, Double.NaN, null, null, null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> burst.with(null, null, -3, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--concurrency");
        assertThatThrownBy(() -> burst.with(null, null, null, "25h", null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("24 h");
        assertThatThrownBy(() -> burst.with(null, null, null, "-5s", null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--duration must be a duration");
        // 10,000 jobs at 0.1/s would take 28 h to submit
        assertThatThrownBy(() -> burst.with(10_000, 0.1, null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 24 h");
        assertThatThrownBy(() -> LocalPipeline.instances(java.util.List.of("training=9")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("0 to 8");
        assertThatThrownBy(() -> LocalPipeline.instances(java.util.List.of("trainer=2")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("STAGE=N");
        assertThat(LocalPipeline.instances(java.util.List.of("training=2", "hessian=0")))
                .containsEntry("training", 2).containsEntry("hessian", 0).containsEntry("pruning", 1);
    }

    @Test
    void anUnknownScenarioANegativeRateAndAnUnreachableClusterAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> call("--scenario", "stampede"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown scenario 'stampede'; known: smoke, steady, burst, soak");
        assertThatThrownBy(() -> call("--scenario", "steady", "--rate", "-2"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--rate must be 0");
        assertThatThrownBy(() -> call("--scenario", "smoke", "--bootstrap-servers", "127.0.0.1:9092",
                "--stage-instances", "training=2"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--with-services");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> call("--scenario", "smoke", "--bootstrap-servers", "127.0.0.1:" + port,
                "--connect-timeout", "1s", "--out", tmp.toString(), "--quiet"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("cannot reach Kafka at 127.0.0.1:" + port)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
        assertThat(tmp.resolve(LoadReport.FILE)).doesNotExist();
    }

    static int call(String... args) throws Exception {
        LoadTestCommand c = new LoadTestCommand();
        new CommandLine(c).parseArgs(args);
        return c.call();
    }
}
