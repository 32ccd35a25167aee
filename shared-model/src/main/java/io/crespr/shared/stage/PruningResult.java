package io.crespr.shared.stage;

import io.crespr.shared.model.Checkpoint;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a pruning job: the dense model's evaluation, every round's, the final
 * checkpoint and where the time went.
 */
public record PruningResult(PruningPlan plan, Checkpoint dense, RoundResult denseRound, Checkpoint pruned,
        List<RoundResult> rounds, Map<String, Double> stageSeconds, double totalSeconds) {

    public RoundResult last() {
        return rounds.isEmpty() ? denseRound : rounds.get(rounds.size() - 1);
    }

    /** The round that first reached {@code sparsity} exactly as scheduled, if any. */
    public java.util.Optional<RoundResult> at(double sparsity) {
        return rounds.stream().filter(r -> Math.abs(r.scheduledSparsity() - sparsity) < 1e-12).findFirst();
    }
}
