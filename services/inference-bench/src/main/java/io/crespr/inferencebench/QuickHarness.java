package io.crespr.inferencebench;

import io.crespr.shared.inference.CallTimer;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.model.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The quick in-process timing (no forks, no JMH): per (batch, path) a warm-up of 300 ms, then
 * {@code repeats} runs of at least 50 ms, the median per call. Seconds instead of minutes, at the
 * price of one JVM's JIT and memory layout for everything; no error bars.
 */
public final class QuickHarness {

    private QuickHarness() {
    }

    public static List<BenchRow> run(List<Path> models, List<Integer> batches, List<BenchPath> paths, String dataset,
            Path dataDir, int repeats, PrintStream out) {
        if (repeats < 1) {
            throw new io.crespr.shared.InvalidInputException("--repeats must be at least 1, got " + repeats);
        }
        // The same checks as the JMH runner's, on the same inputs.
        InferenceBenchRunner.Settings s = new InferenceBenchRunner.Settings(models, batches, paths, dataset, dataDir, 1,
                0, 1, 1, 1, null);
        List<Checkpoint> checkpoints = s.models().stream().map(BenchTarget::load).toList();
        CostModel costs = CostModel.calibrate();
        out.println("cost model for auto: " + costs);
        List<BenchRow> rows = new ArrayList<>();
        for (int i = 0; i < s.models().size(); i++) {
            Path m = s.models().get(i);
            BenchTarget t = BenchTarget.inspect(m, checkpoints.get(i), dataset, dataDir, s.batches(), s.paths(), costs,
                    true);
            for (int b : s.batches()) {
                double[] micros = new double[t.paths().size()];
                double dl4j = Double.NaN;
                for (int j = 0; j < micros.length; j++) {
                    micros[j] = time(t.prepared(b, t.paths().get(j)), repeats) / 1e3;
                    if (t.paths().get(j) == BenchPath.DL4J) {
                        dl4j = micros[j];
                    }
                }
                for (int j = 0; j < micros.length; j++) {
                    rows.add(t.row(b, t.paths().get(j), micros[j], Double.NaN, dl4j));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new io.crespr.shared.InvalidInputException("nothing to benchmark: no path asked for applies to any "
                    + "checkpoint given");
        }
        return rows;
    }

    private static volatile Object sink;

    private static double time(PreparedPath pp, int repeats) {
        List<Integer> idx = IntStream.range(0, pp.size()).boxed().toList();
        return CallTimer.medianNanosPerCall(idx, i -> sink = pp.run(i), 300_000_000L, 3, repeats, 50_000_000L);
    }
}
