package io.crespr.allinone;

import io.crespr.shared.data.Datasets;
import io.crespr.shared.report.BenchReport;
import io.crespr.shared.stage.Bench;
import io.crespr.shared.stage.Methods;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Methods side by side at several sparsities and seeds. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compare methods at several sparsities over several seeds (one dense model per seed, shared "
            + "by all methods). Writes bench.csv, bench.md (mean ± std) and bench.png to --out.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--methods", defaultValue = "gmp,random", description = "comma-separated method presets (default ${DEFAULT-VALUE})")
    String methods;

    @Option(names = "--sparsities", defaultValue = "0.9,0.95,0.98,0.99,0.995,0.998",
            description = "levels to record (default ${DEFAULT-VALUE})")
    String sparsities;

    @Option(names = "--seeds", defaultValue = "3", description = "number of seeds, 1..N (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--gradual", description = "one run per method and seed to the highest level, recording every "
            + "level on its way (about as many times faster as there are levels; the default runs each level with "
            + "its own plan)")
    boolean gradual;

    @Mixin
    PlanOptions planOptions;

    @Override
    public Integer call() {
        List<String> m = Arrays.stream(methods.split(",")).map(String::trim).toList();
        m.forEach(method -> Methods.preset(method, 0.9));
        List<Double> levels = PlanOptions.parseSparsities(sparsities);
        io.crespr.shared.report.ResultFiles.checkOutputDirectory(out);
        if (seeds < 1) {
            throw new io.crespr.shared.InvalidInputException("--seeds must be >= 1, got " + seeds);
        }
        var base = new java.util.LinkedHashMap<String, Object>();
        if (planOptions.fileSettings() != null) {
            base.putAll(planOptions.fileSettings());
        }
        planOptions.overrides().forEach((k, v) -> {
            if (v != null) {
                base.put(k, v);
            }
        });
        // Check the whole plan before any training starts.
        var probe = new java.util.LinkedHashMap<>(base);
        probe.put("targetSparsity", levels.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        probe.put("milestones", levels.stream().sorted().distinct().toList());
        m.forEach(method -> {
            probe.put("method", method);
            io.crespr.shared.stage.Plans.build(null, probe);
        });
        String dataset = io.crespr.shared.stage.Plans.build(null, probe).dataset();
        Path dataDir = planOptions.dataDir != null ? planOptions.dataDir : Datasets.defaultDataDir();
        Bench.Outcome outcome;
        try (Progress progress = new Progress("bench", quiet)) {
            outcome = Bench.run(base, m, levels, LongStream.rangeClosed(1, seeds).boxed().toList(),
                    gradual, seed -> Datasets.load(dataset, dataDir, seed),
                    new Bench.Progress() {
                        @Override
                        public void started(String method, long seed) {
                            System.out.printf(Locale.ROOT, "%s, seed %d%n", method, seed);
                        }

                        @Override
                        public void seedDone(long seed, List<Bench.Row> rows) {
                            // Long benches keep what they measured if stopped: bench.partial.csv after every seed.
                            io.crespr.shared.report.AtomicFiles.writeString(out.resolve("bench.partial.csv"),
                                    BenchReport.csv(new Bench.Outcome(rows, Map.of(), 0, 0)));
                        }
                    }, progress);
        }
        String command = "./crespr " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BenchReport.write(outcome, command, out);
        System.out.println(BenchReport.markdown(outcome, command));
        System.out.println("wrote " + out.resolve("bench.csv") + ", bench.md, bench.png");
        return 0;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
}
