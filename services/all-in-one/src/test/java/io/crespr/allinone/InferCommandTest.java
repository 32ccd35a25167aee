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
        // A dataset that does not fit is refused before any calibration or plan is printed.
        Cli.Result wide = run("infer", "--model", model.toString(), "--dataset", "synthetic");
        assertThat(wide.code()).isEqualTo(2);
        assertThat(wide.err()).startsWith("error: --dataset synthetic has ")
                .contains(" features per sample, the model (lenet-300-100) takes 784");
        assertThat(wide.out()).doesNotContain("plan (");
    }

    @Test
    void inferBenchQuickWritesItsTable() throws Exception {
        Path csv = dir.resolve("bench/infer.csv");
        Cli.Result r = run("infer-bench", "--quick", "--model", model.toString(), "--batches", "1,3", "--repeats", "1",
                "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("model,arch,sparsity,modules,dataset,batch,path,plan,latency_us,"
                + "latency_error_us,samples_per_s,speedup_vs_dl4j,dense_macs_per_sample,sparse_macs_per_sample,flop_limit,"
                + "share_of_limit");
        // dl4j, dense, csr, auto per batch size; no block-diagonal without modules
        assertThat(lines).hasSize(1 + 2 * 4);
        assertThat(lines).anyMatch(l -> l.contains(",3,csr,csr/csr/csr,"));
        assertThat(r.out()).contains("latency µs ± error").contains("FLOP lim");
    }

    @Test
    void inferBenchRunsJmhThroughTheCommandLine() throws Exception {
        Path csv = dir.resolve("jmh/infer.csv");
        Cli.Result r = run("infer-bench", "--model", model.toString(), "--batches", "2", "--paths", "dl4j,csr",
                "--forks", "1", "--warmup", "0", "--iterations", "3", "--iteration-time", "0.05", "--csv", csv.toString());
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("JMH: 2 benchmarks × 1 forks").contains("[2/2 ");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(",2,dl4j,-,");
        assertThat(lines.get(2)).contains(",2,csr,csr/csr/csr,");
        assertThat(Files.readString(dir.resolve("jmh/infer.jmh.log"))).contains("# Fork: 1 of 1");
    }

    @Test
    void inferBenchRefusesBadInputByName() {
        Cli.Result missing = run("infer-bench", "--model", dir.resolve("none.ckpt").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: --model " + dir.resolve("none.ckpt") + ": no such file");
        Cli.Result path = run("infer-bench", "--model", model.toString(), "--paths", "dl4j,sparse");
        assertThat(path.code()).isEqualTo(2);
        assertThat(path.err()).startsWith("error: unknown path 'sparse'; known: dl4j, dense, csr, block, auto");
        Cli.Result batch = run("infer-bench", "--model", model.toString(), "--batches", "1,0");
        assertThat(batch.code()).isEqualTo(2);
        assertThat(batch.err()).startsWith("error: --batches must be between 1 and 65536, got 0");
        Cli.Result huge = run("infer", "--model", model.toString(), "--dataset", "mnist-mini", "--batch", "10000000");
        assertThat(huge.code()).isEqualTo(2);
        assertThat(huge.err()).startsWith("error: --batch must be between 1 and 65536, got 10000000");
        Path compiled = dir.resolve("x.cspm");
        Cli.Result save = run("infer", "--model", model.toString(), "--compile", compiled.toString());
        assertThat(save.code()).isZero();
        Cli.Result cspm = run("infer-bench", "--quick", "--model", compiled.toString());
        assertThat(cspm.code()).isEqualTo(2);
        assertThat(cspm.err()).startsWith("error: --model " + compiled + ": a compiled model (.cspm); infer-bench times "
                + "checkpoints");
        Path nowhere = dir.resolve("no/such/dir/y.cspm");
        Cli.Result missingDir = run("infer", "--model", model.toString(), "--compile", nowhere.toString());
        assertThat(missingDir.code()).isEqualTo(2);
        assertThat(missingDir.err()).startsWith("error: cannot save compiled model to " + nowhere + ": directory "
                + nowhere.getParent() + " does not exist");
        Path dense = dir.resolve("dense.ckpt");
        CheckpointCodec.save(Checkpoints.init(Architecture.parse("lenet-300-100"), new Networks.Io(new int[] {784}, 10),
                "mnist-mini", 1), dense);
        Cli.Result unpruned = run("infer-bench", "--quick", "--model", model + "," + dense);
        assertThat(unpruned.code()).isEqualTo(2);
        assertThat(unpruned.err()).startsWith("error: --model " + dense + ": the checkpoint has no masks");
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
