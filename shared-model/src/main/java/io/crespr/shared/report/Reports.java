package io.crespr.shared.report;

import io.crespr.shared.stage.InferenceTiming;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.PruningResult;
import io.crespr.shared.stage.RoundResult;
import java.util.Locale;
import java.util.Map;

/** The Markdown report of a pruning job. */
public final class Reports {

    private Reports() {
    }

    public static String markdown(PruningResult r) {
        PruningPlan p = r.plan();
        StringBuilder sb = new StringBuilder();
        sb.append("# Pruning report: ").append(p.method()).append(" on ").append(p.dataset()).append(", ")
                .append(p.arch()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Target sparsity %.4f, reached %.6f. Test accuracy: dense %s %%, pruned %s %%"
                + " (validation %s %% → %s %%). Seed %d.%n%n", p.targetSparsity(), r.last().sparsity(),
                ResultFiles.pct(r.denseRound().testAccuracy()), ResultFiles.pct(r.last().testAccuracy()),
                ResultFiles.pct(r.denseRound().validationAccuracy()), ResultFiles.pct(r.last().validationAccuracy()),
                p.seed()));
        sb.append("Plugins: trainer `").append(p.trainer()).append("`, clusterer `").append(p.clusterer())
                .append("`, scorer `").append(p.scorer()).append("`, pruner `").append(p.pruner())
                .append("`, allocation `").append(p.allocation())
                .append("`, schedule `").append(p.schedule()).append("`; ").append(p.rounds())
                .append(" rounds, ").append(p.denseEpochs()).append(" dense epochs, ").append(p.fineTuneEpochs())
                .append(" fine-tuning epoch(s) per round, batch ").append(p.batchSize()).append(".")
                .append(p.options().isEmpty() ? "" : " Options: " + p.options() + ".").append("\n\n");
        sb.append("## Rounds\n\n| round | scheduled | sparsity | test acc. % | val. acc. % | worst class recall | non-zero params | FLOPs/sample |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        row(sb, r.denseRound());
        r.rounds().forEach(rr -> row(sb, rr));
        sb.append("\n## Per-layer sparsity (final)\n\n| parameter | sparsity |\n|---|---:|\n");
        if (r.last().metrics().get("layerSparsity") instanceof Map<?, ?> layers) {
            layers.forEach((k, v) -> sb.append("| ").append(k).append(" | ")
                    .append(String.format(Locale.ROOT, "%.6f", ((Number) v).doubleValue())).append(" |\n"));
        }
        Map<String, Object> last = r.last().metrics();
        sb.append("\n## Structure (final)\n\n");
        sb.append("- connected hidden units per layer: ").append(last.getOrDefault("connectedUnits", "–")).append('\n');
        if (last.containsKey("intraModuleSurvivorShare")) {
            sb.append(String.format(Locale.ROOT, "- intra-module share of surviving weights %.3f, inter-module |w| share %.3f, n-cut %.3f%n",
                    last.get("intraModuleSurvivorShare"), last.get("interModuleMassShare"), last.get("nCut")));
        }
        if (last.get("hessianOffBlockShare") instanceof Map<?, ?> hob) {
            sb.append("- off-block share of each layer's Hessian, modules vs random partitions of equal sizes: ");
            hob.forEach((k, v) -> {
                Map<?, ?> x = (Map<?, ?>) v;
                sb.append(String.format(Locale.ROOT, "%s %.3f vs %.3f ± %.3f; ", k, x.get("observed"), x.get("randomMean"),
                        x.get("randomStd")));
            });
            sb.append("damped: ").append(last.get("hessianDamped")).append('\n');
        }
        if (last.get(InferenceTiming.KEY) instanceof Map<?, ?> inference) {
            sb.append("\n## Inference (final)\n\n").append(InferenceTiming.describe(inference)).append(
                    ". Compiled sparse plan against DL4J's dense forward pass on the same test images; wall times of "
                    + "this run on this machine.\n");
        }
        steps(sb, r);
        sb.append("\n## Wall time (s)\n\n| stage | seconds |\n|---|---:|\n");
        r.stageSeconds().forEach((k, v) -> sb.append("| ").append(k).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", v)).append(" |\n"));
        sb.append(String.format(Locale.ROOT, "| total | %.2f |%n", r.totalSeconds()));
        sb.append("\n![accuracy per round](").append(ResultFiles.CHART).append(")\n");
        return sb.toString();
    }

    /**
     * Every pruning step: the loss rise the layer Hessians predicted against the one measured
     * (summed over layers, and the validation loss right after pruning), then the structure and
     * the Hessian's off-block mass after the round's fine-tuning.
     */
    private static void steps(StringBuilder sb, PruningResult r) {
        if (r.rounds().isEmpty()) {
            return;
        }
        sb.append("\n## Every pruning step\n\n");
        sb.append("Predicted: ½ Σ δwᵀ(XᵀX/n)δw summed over layers (training calibration inputs of the network before the "
                + "step). Measured: ½·mean‖ΔZ‖² of every layer's pre-activations on validation samples, each network fed "
                + "its own inputs. Then the validation cross-entropy rise and accuracy right after pruning, before "
                + "fine-tuning; structure and off-block Hessian share (modules / mean of random partitions) after it.\n\n");
        sb.append("| round | sparsity | predicted rise | measured rise | val. loss rise | val. acc. after prune % "
                + "| worst recall | connected units | intra share | n-cut | off-block share per layer |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
        for (RoundResult rr : r.rounds()) {
            Map<String, Object> m = rr.metrics();
            Map<?, ?> step = m.get("pruneStep") instanceof Map<?, ?> x ? x : Map.of();
            StringBuilder off = new StringBuilder();
            if (m.get("hessianOffBlockShare") instanceof Map<?, ?> hob) {
                hob.forEach((k, v) -> {
                    Map<?, ?> x = (Map<?, ?>) v;
                    off.append(off.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.3f / %.3f", k,
                            x.get("observed"), x.get("randomMean")));
                });
            }
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    rr.round(), rr.sparsity(), num(step.get("predictedRise"), "%.4g"), num(step.get("measuredRise"), "%.4g"),
                    num(step.get("validationLossRise"), "%.4f"),
                    step.get("validationAccuracyAfter") instanceof Number a ? String.format(Locale.ROOT, "%.2f",
                            100 * a.doubleValue()) : "–",
                    num(m.get("worstClassRecall"), "%.3f"), m.getOrDefault("connectedUnits", "–"),
                    num(m.get("intraModuleSurvivorShare"), "%.3f"), num(m.get("nCut"), "%.3f"),
                    off.length() == 0 ? "–" : off));
        }
    }

    private static String num(Object v, String format) {
        return v instanceof Number n ? String.format(Locale.ROOT, format, n.doubleValue()) : "–";
    }

    private static void row(StringBuilder sb, RoundResult rr) {
        Map<String, Object> m = rr.metrics();
        sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %s | %s | %s | %s | %s |%n", rr.round(),
                rr.scheduledSparsity(), rr.sparsity(), ResultFiles.pct(rr.testAccuracy()),
                ResultFiles.pct(rr.validationAccuracy()),
                m.get("worstClassRecall") instanceof Number n ? String.format(Locale.ROOT, "%.3f (class %s)",
                        n.doubleValue(), m.get("worstClass")) : "–",
                m.getOrDefault("nonZeroParameters", "–"), m.getOrDefault("flopsSparse", "–")));
    }
}
