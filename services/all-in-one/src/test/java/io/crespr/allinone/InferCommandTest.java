package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infer} and {@code infer-bench} on a 0.99-sparse LeNet-300-100 without modules. */
class InferCommandTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void pruned() {
        Checkpoint c = Checkpoints.init(Architecture.parse("lenet-300-100"), new Networks.Io(new int[] {784}, 10),
                "mnist-mini", 1);
        Map<String, Mask> masks = new LinkedHashMap<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (ParamTensor w : c.weights()) {
            boolean[] keep = new boolean[w.size()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = rnd.nextDouble() < 0.01;
            }
            masks.put(w.name(), new Mask(w.name(), keep));
        }
        model = dir.resolve("pruned.ckpt");
        CheckpointCodec.save(Checkpoints.applyMasks(c, masks, c.provenance()), model);
    }

    private static Cli.Result run(String... args) {
        return Cli.run(List.of(args));
    }

    @Test
    void inferPrintsThePlanTheAccuracyAndTheSpeedUp() {
        Cli.Result r = run("infer", "--model", model.toString(), "--dataset", "mnist-mini", "--plan", "csr",
                "--repeats", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("plan (forced csr, batch 1):")
                .contains("layer 0 784x300").contains("layer 2 100x10")
                .containsPattern("test accuracy (\\d\\.\\d{4}) on 500 samples \\(DL4J dense forward, as the evaluation "
                        + "computes it: \\1, equal\\)")
                .contains("DL4J dense forward").contains("compiled plan").contains("speed-up");
    }

    @Test
    void forcingBlockDiagonalWithoutModulesIsBadInput() {
        Cli.Result r = run("infer", "--model", model.toString(), "--dataset", "mnist-mini", "--plan", "block");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: plan block-diagonal needs the checkpoint's module map, but the checkpoint "
                + "has no modules");
        assertThat(run("infer", "--model", model.toString(), "--dataset", "mnist-mini", "--plan", "sparse").err())
                .startsWith("error: unknown plan 'sparse'; known: auto, dense, csr, block");
    }

    @Test
    void inferBenchWritesItsTable() throws Exception {
        Path csv = dir.resolve("bench/infer.csv");
        Cli.Result r = run("infer-bench", "--model", model.toString(), "--batches", "1,3", "--repeats", "1",
                "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("batch,path,plan,latency_us,throughput_per_s,speedup_vs_dl4j");
        // dl4j, dense, csr, auto per batch size; no block-diagonal without modules
        assertThat(lines).hasSize(1 + 2 * 4);
        assertThat(lines).anyMatch(l -> l.startsWith("3,csr,csr/csr/csr,"));
    }

    @Test
    void compileWritesAFileThatRunsWithoutTheCheckpoint() throws Exception {
        Path out = dir.resolve("compiled/pruned.cspm");
        Files.createDirectories(out.getParent());
        Cli.Result c = run("infer", "--model", model.toString(), "--compile", out.toString(), "--plan", "csr");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("compiled model written to " + out).doesNotContain("test accuracy");
        assertThat(Files.size(out)).isLessThan(Files.size(model) * 11 / 10);

        Cli.Result fresh = run("infer", "--model", model.toString(), "--dataset", "mnist-mini", "--plan", "csr",
                "--repeats", "1");
        Cli.Result r = run("infer", "--model", out.toString(), "--dataset", "mnist-mini", "--repeats", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("compiled model (format 2").contains("plan (as compiled, for batch 1):")
                .contains("layer 0 784x300").contains("csr").doesNotContain("DL4J");
        String acc = fresh.out().replaceAll("(?s).*test accuracy (\\d\\.\\d{4}).*", "$1");
        assertThat(r.out()).contains("test accuracy " + acc + " on 500 samples");

        assertThat(run("infer", "--model", out.toString(), "--dataset", "mnist-mini", "--plan", "dense").err())
                .startsWith("error: --plan dense applies when compiling a checkpoint");
    }

    @Test
    void aFileThatIsNeitherCheckpointNorCompiledModelIsBadInput() throws Exception {
        Path junk = dir.resolve("junk.cspm");
        byte[] random = new byte[256];
        new java.util.SplittableRandom(9).nextBytes(random);
        Files.write(junk, random);
        Cli.Result r = run("infer", "--model", junk.toString(), "--dataset", "mnist-mini");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + junk + ": neither a CRESPR checkpoint");
        Cli.Result none = run("infer", "--model", model.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("error: infer needs --dataset");
    }
}
