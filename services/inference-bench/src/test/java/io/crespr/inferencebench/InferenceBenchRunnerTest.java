package io.crespr.inferencebench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.model.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JMH harness end to end on a small 0.95-sparse LeNet-300-100 with two modules: one fork per
 * benchmark (a real forked JVM, found through the generated benchmark list), tiny iterations.
 */
class InferenceBenchRunnerTest {

    @TempDir
    Path dir;

    @Test
    void everyBatchAndPathGetsARowWithConsistentFigures() throws Exception {
        Checkpoint c = SmallModels.pruned(0.05, 2);
        Path model = SmallModels.save(c, dir.resolve("pruned.ckpt"));
        List<Integer> batches = List.of(1, 4);
        List<BenchPath> paths = List.of(BenchPath.values());
        InferenceBenchRunner.Settings s = new InferenceBenchRunner.Settings(List.of(model), batches, paths, null, null,
                1, 1, 0.05, 3, 0.05, dir.resolve("jmh.log"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<BenchRow> rows = InferenceBenchRunner.run(s, new PrintStream(console, true, StandardCharsets.UTF_8));
        Path csv = dir.resolve("out/table.csv");
        BenchTable.writeCsv(rows, csv);

        String out = console.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("lenet-300-100, sparsity 0.95").contains("modules 2").contains("10 benchmarks × 1 forks")
                .contains("[10/10 ");
        // The forks run with this JVM's arguments (the Vector API module among them).
        assertThat(Files.readString(dir.resolve("jmh.log"))).containsPattern("# VM options: .*jdk\\.incubator\\.vector")
                .contains("# Fork: 1 of 1").contains("path = block")
                .contains("Result \"io.crespr.inferencebench.InferenceBenchmark.forward\"");

        long dense = SmallModels.allWeights(c);
        long sparse = SmallModels.nonZeroWeights(c);
        assertThat(dense).isEqualTo(784 * 300 + 300 * 100 + 100 * 10);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo(BenchRow.CSV_HEADER);
        assertThat(lines).hasSize(1 + batches.size() * paths.size());
        String[] header = lines.get(0).split(",");
        Map<String, Map<String, String>> byKey = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(f).hasSameSizeAs(header);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < f.length; i++) {
                row.put(header[i], f[i]);
            }
            String key = row.get("batch") + "/" + row.get("path");
            assertThat(keys.add(key)).as("one row per (batch, path): " + key).isTrue();
            byKey.put(key, row);
        }
        for (int b : batches) {
            double dl4j = Double.parseDouble(byKey.get(b + "/dl4j").get("latency_us"));
            for (BenchPath p : paths) {
                Map<String, String> row = byKey.get(b + "/" + p.label());
                double latency = Double.parseDouble(row.get("latency_us"));
                assertThat(latency).as(row.toString()).isPositive().isFinite();
                assertThat(Double.parseDouble(row.get("latency_error_us"))).isNotNegative().isFinite();
                assertThat(Double.parseDouble(row.get("samples_per_s"))).isCloseTo(b * 1e6 / latency,
                        within(0.05 + 1e-4 * b * 1e6 / latency));
                assertThat(Double.parseDouble(row.get("speedup_vs_dl4j"))).isCloseTo(dl4j / latency,
                        within(1e-4 + 1e-4 * dl4j / latency));
                assertThat(Long.parseLong(row.get("dense_macs_per_sample"))).isEqualTo(dense);
                assertThat(Long.parseLong(row.get("sparse_macs_per_sample"))).isEqualTo(sparse);
                double limit = (double) dense / sparse;
                assertThat(Double.parseDouble(row.get("flop_limit"))).isCloseTo(limit, within(1e-4));
                assertThat(Double.parseDouble(row.get("share_of_limit"))).isCloseTo(dl4j / latency / limit,
                        within(1e-5 + 1e-4 * dl4j / latency / limit));
                assertThat(row.get("plan")).isEqualTo(switch (p) {
                    case DL4J -> "-";
                    case DENSE -> "dense/dense/dense";
                    case CSR -> "csr/csr/csr";
                    case BLOCK -> "block-diagonal/block-diagonal/block-diagonal";
                    case AUTO -> row.get("plan");
                });
                // What the forks ran: one plan, or each with its number of forks.
                assertThat(row.get("plan")).matches("-|((dense|csr|block-diagonal)(/(dense|csr|block-diagonal)){2}"
                        + "( ×\\d+)?( \\| )?)+");
                assertThat(row.get("arch")).isEqualTo("lenet-300-100");
                assertThat(row.get("modules")).isEqualTo("2");
                assertThat(row.get("dataset")).isEqualTo("mnist-mini");
            }
        }
        // The rows themselves agree with the CSV's definitions exactly.
        for (BenchRow r : rows) {
            BenchRow base = rows.stream().filter(x -> x.batch() == r.batch() && x.path() == BenchPath.DL4J).findFirst()
                    .orElseThrow();
            assertThat(r.speedup()).isEqualTo(base.latencyMicros() / r.latencyMicros());
            assertThat(r.flopLimit()).isEqualTo((double) dense / sparse);
            assertThat(r.shareOfLimit()).isEqualTo(r.speedup() / r.flopLimit());
        }
    }
}
