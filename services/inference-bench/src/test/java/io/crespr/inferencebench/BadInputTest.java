package io.crespr.inferencebench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.inference.CostModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the harness refuses before it starts a fork, and how it says so. */
class BadInputTest {

    @TempDir
    Path dir;

    private static InferenceBenchRunner.Settings settings(List<Path> models, List<Integer> batches, int forks) {
        return new InferenceBenchRunner.Settings(models, batches, List.of(BenchPath.CSR), null, null, forks, 1, 0.1, 1, 0.1,
                null);
    }

    @Test
    void unknownPathsBatchesBelowOneAndNoForksAreRefused() {
        assertThatThrownBy(() -> BenchPath.parseAll(List.of("csr", "sparse"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown path 'sparse'; known: dl4j, dense, csr, block, auto");
        assertThat(BenchPath.parseAll(List.of("CSR", "block-diagonal", "csr"))).containsExactly(BenchPath.CSR,
                BenchPath.BLOCK);
        Path m = dir.resolve("m.ckpt");
        assertThatThrownBy(() -> settings(List.of(m), List.of(1, 0), 1)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--batches must be between 1 and 65536, got 0");
        assertThatThrownBy(() -> settings(List.of(m), List.of(100_000_000), 1)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--batches must be between 1 and 65536, got 100000000");
        assertThatThrownBy(() -> settings(List.of(m), List.of(1), 0)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--forks must be at least 1, got 0");
    }

    @Test
    void aMissingFileAndACheckpointWithoutMasksAreRefusedByName() {
        Path missing = dir.resolve("nope.ckpt");
        assertThatThrownBy(() -> BenchTarget.inspect(missing, null, null, List.of(1), List.of(BenchPath.CSR),
                CostModel.NOMINAL, false)).isInstanceOf(InvalidInputException.class)
                .hasMessage("--model " + missing + ": no such file");
        Path dense = SmallModels.save(SmallModels.dense(), dir.resolve("dense.ckpt"));
        assertThatThrownBy(() -> BenchTarget.inspect(dense, null, null, List.of(1), List.of(BenchPath.CSR),
                CostModel.NOMINAL, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--model " + dense + ": the checkpoint has no masks, so it is not a pruned model");
    }

    @Test
    void blockDiagonalIsSkippedWithoutModulesAndTheTargetKnowsItsPlansAndCounts() {
        Path p = SmallModels.save(SmallModels.pruned(0.02, 0), dir.resolve("gmp-like.ckpt"));
        BenchTarget t = BenchTarget.inspect(p, null, null, List.of(2), List.of(BenchPath.values()), CostModel.NOMINAL,
                false);
        assertThat(t.paths()).containsExactly(BenchPath.DL4J, BenchPath.DENSE, BenchPath.CSR, BenchPath.AUTO);
        assertThat(t.skipped()).containsOnlyKeys(BenchPath.BLOCK);
        assertThat(t.plan(2, BenchPath.CSR)).isEqualTo("csr/csr/csr");
        assertThat(t.plan(2, BenchPath.DL4J)).isEqualTo("-");
        assertThat(t.denseMacs()).isEqualTo(SmallModels.allWeights(t.checkpoint()));
        assertThat(t.sparseMacs()).isEqualTo(SmallModels.nonZeroWeights(t.checkpoint()));
        assertThat(t.dataset()).isEqualTo("mnist-mini");
        assertThatThrownBy(() -> InferenceBenchRunner.run(new InferenceBenchRunner.Settings(List.of(p), List.of(1),
                List.of(BenchPath.BLOCK), null, null, 1, 1, 0.1, 1, 0.1, null), System.out))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("nothing to benchmark: no path asked for applies to any checkpoint given");
    }

    @Test
    void theCostModelCrossesToTheForksUnchanged() {
        CostModel c = CostModel.calibrate();
        assertThat(CostModels.decode(CostModels.encode(c))).isEqualTo(c);
        assertThat(CostModels.decode(CostModels.encode(CostModel.NOMINAL))).isEqualTo(CostModel.NOMINAL);
        assertThatThrownBy(() -> CostModels.decode("1;2")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("fields, expected");
    }
}
