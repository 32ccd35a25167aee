package io.crespr.allinone.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsToolsTest {

    @Test
    void aMissingToolFailsWithThePackageThatBringsIt(@TempDir Path empty) {
        assertThatThrownBy(() -> OpsTools.require("promtool", empty.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("promtool is not on PATH")
                .hasMessageContaining("Debian package prometheus")
                .hasMessageContaining("scripts/install-ops-tools");
        assertThatThrownBy(() -> OpsTools.require("docker-compose", ""))
                .hasMessageContaining("Debian package docker-compose");
    }

    @Test
    void findsAnExecutableOnThePath(@TempDir Path dir) throws IOException {
        Path tool = Files.createFile(dir.resolve("yamllint"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        assertThat(OpsTools.require("yamllint", "/nonexistent:" + dir)).isEqualTo(tool);
    }

    @Test
    void theRepositoryRootHoldsTheChart() {
        assertThat(OpsTools.chart().resolve("Chart.yaml")).isRegularFile();
        assertThat(OpsTools.repoRoot().resolve("scripts/install-ops-tools")).isExecutable();
    }
}
