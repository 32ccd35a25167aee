package io.crespr.shared.messages;

import io.crespr.shared.stage.RoundResult;
import java.util.List;
import java.util.Map;

/**
 * The final result of a job on {@code crespr.results.v1} (key: job id): everything
 * {@code result.json} holds, with the dense and the pruned checkpoint by reference.
 *
 * @param schemaVersion    {@value VersionedEvent#SCHEMA_VERSION}
 * @param jobId            the job
 * @param plan             the complete plan
 * @param model            the model version compressed, for jobs started by a retrained model
 * @param targetSparsity   what the plan asked for
 * @param achievedSparsity what the pruned weights show
 * @param denseAccuracy    test accuracy of the dense model
 * @param prunedAccuracy   test accuracy of the pruned model
 * @param denseRound       the dense model's evaluation
 * @param rounds           every round's evaluation
 * @param stageSeconds     wall time per stage, summed over the job
 * @param codecSeconds     time spent (de)serialising payloads, summed over the job
 * @param totalSeconds     from submission to the result
 * @param dense            the dense checkpoint (in the checkpoint store)
 * @param pruned           the pruned checkpoint
 * @param submittedAt      epoch milliseconds
 * @param completedAt      epoch milliseconds
 */
public record JobCompleted(int schemaVersion, String jobId, Map<String, Object> plan, ModelVersion model,
        double targetSparsity, double achievedSparsity, double denseAccuracy, double prunedAccuracy,
        RoundResult denseRound, List<RoundResult> rounds, Map<String, Double> stageSeconds, double codecSeconds,
        double totalSeconds, PayloadRef dense, PayloadRef pruned, long submittedAt, long completedAt)
        implements VersionedEvent {

    public JobCompleted {
        JobIds.check(jobId);
        rounds = rounds == null ? List.of() : List.copyOf(rounds);
        if (dense == null || pruned == null || denseRound == null) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "JobCompleted of job " + jobId
                    + " needs the dense round and both checkpoints");
        }
    }
}
