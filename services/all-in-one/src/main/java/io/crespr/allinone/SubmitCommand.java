package io.crespr.allinone;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobIds;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.StageSteps;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes a job to {@code crespr.jobs.v1} of any Kafka cluster where the stage services run. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submit a pruning job to the streaming pipeline on a Kafka cluster: the plan is checked here, "
            + "then published to crespr.jobs.v1 (key: the job id). Prints the job id.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--job-id", description = "the job's id (default: a random UUID)")
    String jobId;

    @Option(names = "--method", description = "method preset (default gmp)")
    String method;

    @Option(names = "--target-sparsity", description = "share of weights to prune, in [0, 1) (default 0.9)")
    Double targetSparsity;

    @Option(names = "--seed", description = "seed of every random stream (default 1)")
    Long seed;

    @Option(names = "--wait", description = "follow the job's progress until it ends")
    boolean waitForResult;

    @Option(names = "--timeout", defaultValue = "0", description = "with --wait: give up after this many seconds "
            + "(default 0: wait)")
    long timeoutSeconds;

    @Mixin
    PlanOptions planOptions;

    @Override
    public Integer call() {
        Map<String, Object> flags = new java.util.LinkedHashMap<>();
        flags.put("method", method);
        flags.put("targetSparsity", targetSparsity);
        flags.put("seed", seed);
        PruningPlan plan = planOptions.plan(flags);
        String id = jobId != null ? jobId : JobIds.random();
        if (!JobIds.isValid(id)) {
            throw new InvalidInputException("--job-id must be 1 to 128 letters, digits, '.', '_' or '-', got '" + id + "'");
        }
        int rounds = new StageSteps(plan, null).rounds();
        try (JobClient client = new JobClient(kafka.servers(), kafka.clientSettings(), KafkaLimits.defaults())) {
            if (!waitForResult) {
                client.submit(id, Plans.toMap(plan), rounds);
                System.out.println(id);
                return 0;
            }
            try (JobClient.Watch watch = client.watch(id)) {
                client.submit(id, Plans.toMap(plan), rounds);
                System.out.println("job " + id + " submitted to crespr.jobs.v1 on " + kafka.servers());
                StatusLines lines = new StatusLines(System.out);
                JobCompleted done = watch.await(Duration.ofSeconds(timeoutSeconds), lines::accept);
                System.out.printf(Locale.ROOT, "dense %.2f %% -> pruned %.2f %% at sparsity %.6f in %.1f s%n",
                        100 * done.denseAccuracy(), 100 * done.prunedAccuracy(), done.achievedSparsity(),
                        done.totalSeconds());
                return 0;
            } catch (JobClient.JobFailedException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }
}
