package io.crespr.shared.messages;

/**
 * The latest state of a job, on the compacted topic {@code crespr.job-status.v1} (key: job id).
 *
 * @param schemaVersion {@value VersionedEvent#SCHEMA_VERSION}
 * @param jobId         the job
 * @param state         where it stands
 * @param round         the pruning round (0: dense training and its evaluation)
 * @param rounds        rounds the plan runs (0 when not known yet)
 * @param reason        why it FAILED; {@code null} otherwise
 * @param model         the model version the job compresses, if it came from a retrained model
 * @param sparsity      sparsity of the last evaluated round, if any
 * @param testAccuracy  test accuracy of the last evaluated round, if any
 * @param updatedAt     epoch milliseconds
 */
public record JobStatus(int schemaVersion, String jobId, JobState state, int round, int rounds, String reason,
        ModelVersion model, Double sparsity, Double testAccuracy, long updatedAt) implements VersionedEvent {

    public JobStatus {
        JobIds.check(jobId);
        if (state == null) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "JobStatus needs a state");
        }
    }

    public static JobStatus of(String jobId, JobState state, int round, int rounds, ModelVersion model,
            Double sparsity, Double testAccuracy) {
        return new JobStatus(SCHEMA_VERSION, jobId, state, round, rounds, null, model, sparsity, testAccuracy,
                System.currentTimeMillis());
    }

    public static JobStatus failed(String jobId, int round, int rounds, String reason) {
        return new JobStatus(SCHEMA_VERSION, jobId, JobState.FAILED, round, rounds, reason, null, null, null,
                System.currentTimeMillis());
    }
}
