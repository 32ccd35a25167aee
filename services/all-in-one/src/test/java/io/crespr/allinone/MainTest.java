package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MainTest {

    /** Runs the CLI and captures what it printed. */
    private static Cli.Result run(String... args) {
        return Cli.run(java.util.List.of(args));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelp(List<String> command) {
        String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);
        Cli.Result r = run(args);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage:");
    }

    static Stream<List<String>> commands() {
        return Stream.of(List.of(), List.of("prune"), List.of("run"), List.of("submit"), List.of("status"), List.of("bench"), List.of("fetch-data"), List.of("plugins"),
                List.of("checkpoint"), List.of("checkpoint", "inspect"), List.of("checkpoint", "export"),
                List.of("checkpoint", "import"), List.of("infer"), List.of("infer-bench"), List.of("transport-bench"), List.of("broker"));
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(List.of("--target-sparsity", "1.2"), "error: targetSparsity must be in [0, 1), got 1.2"),
                Arguments.of(List.of("--target-sparsity", "-0.1"), "error: targetSparsity must be in [0, 1), got -0.1"),
                Arguments.of(List.of("--arch", "mlp:3,x"),
                        "error: architecture 'mlp:3,x' does not parse: 'x' is not a layer width"),
                Arguments.of(List.of("--scorer", "taylor"), "error: unknown scorer plugin 'taylor'; known: magnitude, obd, obs, random"),
                Arguments.of(List.of("--method", "obs2"), "error: unknown method 'obs2'; known: gmp, gmp-l1, lamp, obd, obs, crespr, layer-matched, random"),
                Arguments.of(List.of("--dataset", "imagenet"), "error: unknown dataset 'imagenet'; known: mnist-mini"),
                Arguments.of(List.of("--option", "pruner"), "error: --option must look like STAGE.KEY=VALUE, got 'pruner'"),
                Arguments.of(List.of("--option", "prune.maxLast=0.5"), "error: options for unknown stage 'prune'; known: "
                        + "trainer, clusterer, scorer, pruner, allocation, schedule, evaluator"),
                Arguments.of(List.of("--option", "allocation.bogus=1"),
                        "error: unknown option 'bogus' for uniform; known: maxLast"),
                Arguments.of(List.of("--option", "allocation.maxLast=1.5"),
                        "error: uniform option maxLast must be in [0, 1], got 1.5"),
                Arguments.of(List.of("--trainer", "sgd", "--option", "trainer.momentum=zzz"),
                        "error: sgd option momentum must be a number, got 'zzz'"),
                Arguments.of(List.of("--target-sparsity", "abc"),
                        "error: Invalid value for option '--target-sparsity': 'abc' is not a double (see 'crespr prune --help')"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsOneLineExitTwoAndNoOutput(List<String> flags, String message, @TempDir Path dir) {
        Path out = dir.resolve("out");
        String[] args = Stream.concat(Stream.of("prune", "--quiet", "--out", out.toString()), flags.stream())
                .toArray(String[]::new);
        Cli.Result r = run(args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith(message).doesNotContain("\n").doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void everySubcommandPrintsTheToolsVersion() throws Exception {
        for (String sub : new String[] {"prune", "run", "bench", "submit", "status", "broker", "fetch-data"}) {
            Cli.Result r = run(sub, "--version");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out().strip()).as(sub).isEqualTo("crespr 0.1.0");
        }
    }

    @Test
    void anOutputPathThatIsAFileFailsBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        Cli.Result r = run("prune", "--quiet", "--dense-epochs", "50", "--out", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --out " + file + " exists and is not a directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aCorruptCheckpointIsRejectedByName(@TempDir Path dir) throws Exception {
        Path bad = Files.write(dir.resolve("bad.ckpt"), new byte[] {'C', 'R', 'E', 'S', 'P', 'R', 'C', 'K', 0, 1, 0});
        Cli.Result r = run("checkpoint", "inspect", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("bad.ckpt").contains("truncated");
    }

    @Test
    void pruneWritesTheResultFilesWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Cli.Result r = run("prune", "--quiet", "--dataset", "synthetic", "--arch", "mlp:16", "--method", "gmp",
                "--target-sparsity", "0.9", "--rounds", "3", "--dense-epochs", "3", "--seed", "4", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("result.json",
                    "report.md", "accuracy.png", "pruned.ckpt", "dense.ckpt");
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (String field : List.of("method", "dataset", "arch", "seed", "targetSparsity", "achievedSparsity",
                "denseAccuracy", "prunedAccuracy", "rounds", "stageSeconds", "plan", "provenance")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("method").asText()).isEqualTo("gmp");
        assertThat(json.get("rounds")).hasSize(3);
        // the last round alone times the compiled inference; prune prints it and report.md shows it
        assertThat(json.get("rounds").get(1).get("metrics").has("inference")).isFalse();
        assertThat(json.get("rounds").get(2).get("metrics").get("inference").get("supported").asBoolean()).isTrue();
        assertThat(json.get("rounds").get(2).get("metrics").get("inference").get("speedup").isNumber()).isTrue();
        assertThat(r.out()).contains("inference: ", " µs/image compiled (", "µs DL4J dense");
        assertThat(Files.readString(out.resolve("report.md"))).contains("## Inference (final)");
        Checkpoint pruned = CheckpointCodec.load(out.resolve("pruned.ckpt"));
        assertThat(json.get("achievedSparsity").asDouble()).isEqualTo(pruned.sparsity());
        assertThat(pruned.sparsity() * pruned.prunableCount()).isEqualTo((double) Math.round(0.9 * pruned.prunableCount()));
        assertThat(json.get("checkpoint").get("sha256").asText()).isEqualTo(CheckpointCodec.contentHash(pruned));
        assertThat(Files.readString(out.resolve("report.md"))).contains("| round |").contains("0_W");
        byte[] png = Files.readAllBytes(out.resolve("accuracy.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

        // A checkpoint goes out as a DL4J zip and comes back with the same weights and masks.
        Path zip = dir.resolve("model.zip");
        assertThat(run("checkpoint", "export", out.resolve("pruned.ckpt").toString(), zip.toString()).code()).isZero();
        Path back = dir.resolve("back.ckpt");
        assertThat(run("checkpoint", "import", zip.toString(), back.toString()).code()).isZero();
        Checkpoint imported = CheckpointCodec.load(back);
        assertThat(imported.params()).isEqualTo(pruned.params());
        assertThat(imported.masks()).isEqualTo(pruned.masks());
        assertThat(run("checkpoint", "inspect", back.toString()).out())
                .contains(String.format(java.util.Locale.ROOT, "total sparsity %.6f", pruned.sparsity()));
    }
}
