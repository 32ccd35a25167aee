package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crespr run} with its own in-process broker against {@code crespr prune}: the same files, the same numbers. */
class RunCommandIT {

    private static final List<String> PLAN = List.of("--dataset", "synthetic", "--arch", "mlp:16", "--method", "crespr",
            "--target-sparsity", "0.95", "--rounds", "2", "--dense-epochs", "1", "--seed", "9", "--option", "clusterer.k=2");

    @TempDir
    Path tmp;

    @Test
    void runThroughKafkaWritesWhatPruneWritesWithTheSameNumbers() throws Exception {
        List<String> prune = new ArrayList<>(List.of("prune", "--quiet", "--out", tmp.resolve("prune").toString()));
        prune.addAll(PLAN);
        List<String> stream = new ArrayList<>(List.of("run", "--job-id", "run-it", "--out", tmp.resolve("run").toString()));
        stream.addAll(PLAN);

        Cli.Result p = Cli.run(prune);
        Cli.Result r = Cli.run(stream);

        assertThat(p.code()).isZero();
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("in-process Kafka broker (KRaft) at 127.0.0.1:", "job run-it submitted to crespr.jobs.v1",
                "round  1/2   clustering", "round  2/2   scoring", "round  2/2   completed", "through Kafka; wrote");
        // the last round's inference timing reaches the streamed result, and both commands print it
        assertThat(r.out()).contains("inference: ", "µs DL4J dense");
        assertThat(p.out()).contains("inference: ", "µs DL4J dense");
        try (var files = Files.list(tmp.resolve("prune"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            try (var streamed = Files.list(tmp.resolve("run"))) {
                assertThat(streamed.map(f -> f.getFileName().toString()).sorted().toList()).isEqualTo(names);
            }
        }
        assertThat(numbers(tmp.resolve("run/result.json"))).isEqualTo(numbers(tmp.resolve("prune/result.json")));
        // the round table printed at the end is the same
        assertThat(table(r.out())).hasSize(3).isEqualTo(table(p.out()));
    }

    /** result.json without what may differ between two runs: times, ids and hashes, the machine. */
    private static JsonNode numbers(Path resultJson) throws Exception {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(resultJson.toFile());
        n.remove(List.of("stageSeconds", "totalSeconds", "checkpoint", "denseCheckpoint", "provenance", "machine"));
        ((ObjectNode) n.get("dense")).remove("seconds");
        n.get("rounds").forEach(x -> ((ObjectNode) x).remove("seconds"));
        // inference timings are wall times too
        n.get("rounds").forEach(x -> ((ObjectNode) x.get("metrics")).remove("inference"));
        return n;
    }

    private static List<String> table(String out) {
        return out.lines().filter(l -> l.matches("\\s+\\d+\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{6}\\s+\\d+\\.\\d{2}")).toList();
    }
}
