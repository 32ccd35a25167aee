package io.crespr.inferencebench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.PlanKind;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ParamTensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check that stands between a compiled path and its timing. */
class OutputCheckTest {

    @Test
    void equalOrNearlyEqualOutputsPass() {
        float[] e = {0.5f, 0.25f, 1e-12f, 0f};
        assertThatCode(() -> OutputCheck.verify(e, e.clone(), OutputCheck.TOLERANCE, "x")).doesNotThrowAnyException();
        float[] near = {0.5f * (1 + 5e-6f), 0.25f, 1e-12f, 0f};
        assertThatCode(() -> OutputCheck.verify(e, near, OutputCheck.TOLERANCE, "x")).doesNotThrowAnyException();
        assertThat(OutputCheck.worst(e, near)[0]).isBetween(4e-6, 6e-6);
        assertThat(OutputCheck.worst(e, near)[1]).isEqualTo(0);
        // A tiny output off by 1e-3 of itself is float noise next to the batch's largest output.
        float[] tiny = {0.5f, 0.25f, 1.001e-12f, 0f};
        assertThatCode(() -> OutputCheck.verify(e, tiny, OutputCheck.TOLERANCE, "x")).doesNotThrowAnyException();
        assertThat(OutputCheck.maxRelative(e, tiny)).isBetween(9e-4, 1.1e-3);
    }

    @Test
    void aDifferenceAboveTheToleranceFailsAndSaysWhere() {
        float[] e = {0.5f, 0.25f, 0.125f};
        float[] a = {0.5f, 0.2501f, 0.125f};
        assertThatThrownBy(() -> OutputCheck.verify(e, a, OutputCheck.TOLERANCE, "csr at batch 3"))
                .isInstanceOf(OutputCheck.MismatchException.class)
                .hasMessageStartingWith("csr at batch 3: outputs differ from DL4J's by 2.00e-04 of the batch's largest "
                        + "output (tolerance 1e-05) at output 1: 0.2501, DL4J 0.25")
                .hasMessageEndingWith("not benchmarking a wrong kernel");
        assertThatThrownBy(() -> OutputCheck.verify(e, new float[] {0.5f, 0.25f}, 1e-5, "csr"))
                .isInstanceOf(OutputCheck.MismatchException.class).hasMessage("csr: 2 outputs, DL4J gives 3");
        assertThatThrownBy(() -> OutputCheck.verify(e, new float[] {0.5f, Float.NaN, 0.125f}, 1e-5, "csr"))
                .isInstanceOf(OutputCheck.MismatchException.class).hasMessageContaining("at output 1: NaN");
        assertThatThrownBy(() -> OutputCheck.verifyAll(List.of(e, e), List.of(e), 1e-5, "csr"))
                .isInstanceOf(OutputCheck.MismatchException.class).hasMessage("csr: 1 batches of outputs, DL4J gives 2");
    }

    @Test
    void aCompiledPlanPassesAndACorruptedOneFails() {
        Checkpoint c = SmallModels.pruned(0.05, 2);
        Dataset test = TestInputs.testSplit(c, null, null, null);
        int batch = 5;
        int d = test.featureCount();
        List<float[]> inputs = TestInputs.batches(test, batch);
        List<float[]> dl4j = PreparedPath.references(c, batch, test);
        for (PlanKind k : PlanKind.values()) {
            SparseModel m = SparseModel.compile(c, new SparseModel.Options(k, batch, CostModel.NOMINAL));
            List<float[]> ours = inputs.stream().map(x -> m.output(x, batch, d)).toList();
            assertThatCode(() -> OutputCheck.verifyAll(dl4j, ours, OutputCheck.TOLERANCE, k.label()))
                    .doesNotThrowAnyException();
        }
        // A wrong kernel: the plan of a checkpoint whose output layer's surviving weights are 1 % off.
        List<ParamTensor> params = new ArrayList<>(c.params());
        ParamTensor w = c.weights().get(2);
        float[] v = w.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 1.01f;
        }
        params.set(params.indexOf(w), w.withValues(v));
        SparseModel wrong = SparseModel.compile(c.withParams(params),
                new SparseModel.Options(PlanKind.CSR, batch, CostModel.NOMINAL));
        List<float[]> wrongOutputs = inputs.stream().map(x -> wrong.output(x, batch, d)).toList();
        assertThatThrownBy(() -> OutputCheck.verifyAll(dl4j, wrongOutputs, OutputCheck.TOLERANCE, "csr at batch 5"))
                .isInstanceOf(OutputCheck.MismatchException.class)
                .hasMessageStartingWith("csr at batch 5, input batch 0: outputs differ from DL4J's by");
    }

    @Test
    void theSetUpRefusesAPathWhoseOutputsDifferFromDl4j() {
        Checkpoint c = SmallModels.pruned(0.05, 2);
        Dataset test = TestInputs.testSplit(c, null, null, null);
        List<float[]> references = new ArrayList<>();
        PreparedPath.references(c, 2, test).forEach(r -> references.add(r.clone()));
        assertThat(PreparedPath.prepare(c, BenchPath.CSR, 2, CostModel.NOMINAL, test, references).size())
                .isEqualTo(references.size());
        references.get(3)[7] += 1e-3f;
        assertThatThrownBy(() -> PreparedPath.prepare(c, BenchPath.CSR, 2, CostModel.NOMINAL, test, references))
                .isInstanceOf(OutputCheck.MismatchException.class)
                .hasMessageStartingWith("csr (csr/csr/csr) at batch 2, input batch 3: outputs differ from DL4J's by")
                .hasMessageContaining("at output 7: ");
    }
}
