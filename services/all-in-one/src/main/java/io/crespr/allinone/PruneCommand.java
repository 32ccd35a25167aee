package io.crespr.allinone;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.report.ResultFiles;
import io.crespr.shared.stage.InferenceTiming;
import io.crespr.shared.stage.PruningPipeline;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a dense model and prunes it, all stages in this process. */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a dense network, prune it to the target sparsity with masked fine-tuning between "
            + "rounds, and write result.json, report.md, accuracy.png, pruned.ckpt and dense.ckpt to --out.")
final class PruneCommand implements Callable<Integer> {

    @Option(names = "--method", description = "method preset: gmp (default), gmp-l1, lamp, obd, obs, crespr, layer-matched, random")
    String method;

    @Option(names = "--target-sparsity", description = "share of weights to prune, in [0, 1) (default 0.9)")
    Double targetSparsity;

    @Option(names = "--seed", description = "seed of every random stream (default 1)")
    Long seed;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Mixin
    PlanOptions planOptions;

    @Override
    public Integer call() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("method", method);
        extra.put("targetSparsity", targetSparsity);
        extra.put("seed", seed);
        PruningPlan plan = planOptions.plan(extra);
        io.crespr.shared.report.ResultFiles.checkOutputDirectory(out);
        Path dataDir = planOptions.dataDir != null ? planOptions.dataDir : Datasets.defaultDataDir();
        DataSplit data = Datasets.load(plan.dataset(), dataDir, plan.seed());
        System.out.printf(Locale.ROOT, "%s on %s (%d train / %d validation / %d test), %s, target %.4f, seed %d%n",
                plan.method(), plan.dataset(), data.train().size(), data.validation().size(), data.test().size(),
                plan.arch(), plan.targetSparsity(), plan.seed());
        PruningResult result;
        try (Progress progress = new Progress("prune", quiet)) {
            result = new PruningPipeline(plan, data, progress).run();
        }
        ResultFiles.write(result, data, out);
        System.out.printf(Locale.ROOT, "%5s  %9s  %9s  %8s%n", "round", "scheduled", "sparsity", "test %");
        print(result.denseRound());
        result.rounds().forEach(PruneCommand::print);
        System.out.printf(Locale.ROOT, "dense %.2f %% -> pruned %.2f %% at sparsity %.6f in %.1f s; wrote %s%n",
                100 * result.denseRound().testAccuracy(), 100 * result.last().testAccuracy(), result.last().sparsity(),
                result.totalSeconds(), out.resolve(ResultFiles.RESULT));
        if (result.last().metrics().get(InferenceTiming.KEY) instanceof Map<?, ?> inference) {
            System.out.println("inference: " + InferenceTiming.describe(inference));
        }
        return 0;
    }

    static void print(RoundResult r) {
        System.out.printf(Locale.ROOT, "%5d  %9.4f  %9.6f  %8.2f%n", r.round(), r.scheduledSparsity(), r.sparsity(),
                100 * r.testAccuracy());
    }
}
