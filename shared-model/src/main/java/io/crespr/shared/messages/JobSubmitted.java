package io.crespr.shared.messages;

import java.util.Map;

/**
 * A pruning job, as anyone may publish it to {@code crespr.jobs.v1} (key: the job id):
 *
 * <pre>
 * {"schemaVersion": 1, "jobId": "my-job-1",
 *  "plan": {"method": "crespr", "dataset": "mnist-mini", "targetSparsity": 0.99}}
 * </pre>
 *
 * @param schemaVersion {@value VersionedEvent#SCHEMA_VERSION}
 * @param jobId         the job's id (letters, digits, '.', '_', '-')
 * @param plan          plan settings exactly as in a plan file; what is missing comes from the
 *                      defaults and the method's preset
 * @param submittedAt   epoch milliseconds, optional (training-service fills in its clock)
 */
public record JobSubmitted(int schemaVersion, String jobId, Map<String, Object> plan, Long submittedAt)
        implements VersionedEvent {

    public JobSubmitted {
        JobIds.check(jobId);
        plan = plan == null ? Map.of() : plan;
    }

    public static JobSubmitted of(String jobId, Map<String, Object> plan) {
        return new JobSubmitted(SCHEMA_VERSION, jobId, plan, System.currentTimeMillis());
    }
}
