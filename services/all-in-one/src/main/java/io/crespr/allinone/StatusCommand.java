package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.KafkaLimits;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A job's latest status from the compacted {@code crespr.job-status.v1}, and its result when it has one. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print a job's latest state (SUBMITTED, TRAINING, CLUSTERING, SCORING, PRUNING, EVALUATING, "
            + "COMPLETED, FAILED with its reason) and round, and its result once it has completed.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "the job's id")
    String jobId;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        try (JobClient client = new JobClient(kafka.servers(), kafka.clientSettings(), KafkaLimits.defaults())) {
            JobStatus s = client.status(jobId).orElseThrow(() -> new InvalidInputException("no status for job "
                    + jobId + " on " + kafka.servers()));
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "job %s: %s, round %d/%d", jobId, s.state(),
                    s.round(), s.rounds()));
            if (s.model() != null) {
                b.append(", model ").append(s.model().name()).append(" version ").append(s.model().version());
            }
            if (s.sparsity() != null && s.testAccuracy() != null) {
                b.append(String.format(Locale.ROOT, ", last evaluated: sparsity %.6f, test %.2f %%", s.sparsity(),
                        100 * s.testAccuracy()));
            }
            b.append(", updated ").append(Instant.ofEpochMilli(s.updatedAt()));
            System.out.println(b);
            if (s.state() == JobState.FAILED) {
                System.out.println("reason: " + s.reason());
            }
            if (s.state() == JobState.COMPLETED) {
                Optional<JobCompleted> done = client.result(jobId);
                done.ifPresent(r -> System.out.printf(Locale.ROOT, "result: dense %.2f %% -> pruned %.2f %% at sparsity "
                        + "%.6f (target %.4f) in %.1f s; %d rounds on crespr.results.v1%n", 100 * r.denseAccuracy(),
                        100 * r.prunedAccuracy(), r.achievedSparsity(), r.targetSparsity(), r.totalSeconds(),
                        r.rounds().size()));
            }
            return 0;
        }
    }
}
