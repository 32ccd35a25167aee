package io.crespr.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.report.AtomicFiles;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A load test's figures: computed once from the jobs the tracker followed, printed as a table, written as JSON. */
final class LoadReport {

    static final String FILE = "load-test.json";

    /** The stage each status names, in pipeline order; SUBMITTED is the wait before training takes the job. */
    static final Map<JobState, String> STAGE_OF = new LinkedHashMap<>();

    static {
        STAGE_OF.put(JobState.SUBMITTED, "queued");
        STAGE_OF.put(JobState.TRAINING, "training");
        STAGE_OF.put(JobState.EVALUATING, "evaluation");
        STAGE_OF.put(JobState.CLUSTERING, "clustering");
        STAGE_OF.put(JobState.SCORING, "hessian");
        STAGE_OF.put(JobState.PRUNING, "pruning");
    }

    /** The service each step of {@code stageSeconds} runs in. */
    static final Map<String, String> STAGE_OF_STEP = Map.of("train", "training", "fine-tune", "training",
            "evaluate", "evaluation", "cluster", "clustering", "score", "hessian", "prune", "pruning",
            "loss-rise", "pruning");

    private static final int LISTED = 20;

    final Map<String, Object> setup;
    final int submitted;
    final int completed;
    final int failed;
    final int lost;
    final int submitErrors;
    final Distribution.Summary latencyMillis;
    final Distribution.Summary serverSeconds;
    final Distribution.Summary waitingSeconds;
    final Map<String, Distribution.Summary> computeSeconds = new LinkedHashMap<>();
    final Map<String, Distribution.Summary> stepSeconds = new LinkedHashMap<>();
    final Map<String, Distribution.Summary> statusSeconds = new LinkedHashMap<>();
    final double throughputPerMinute;
    final double activeSeconds;
    final LoadRun.Outcome outcome;
    final List<Map<String, String>> failures = new ArrayList<>();
    final List<Map<String, String>> lostJobs = new ArrayList<>();

    LoadReport(Map<String, Object> setup, LoadRun.Outcome outcome) {
        this.setup = setup;
        this.outcome = outcome;
        Distribution latency = new Distribution();
        Distribution server = new Distribution();
        Distribution waiting = new Distribution();
        Map<String, Distribution> compute = new LinkedHashMap<>();
        Map<String, Distribution> steps = new LinkedHashMap<>();
        Map<String, Distribution> spans = new LinkedHashMap<>();
        STAGE_OF.values().forEach(s -> spans.put(s, new Distribution()));
        int c = 0;
        int f = 0;
        long lastEnd = outcome.firstSubmitNanos();
        List<JobTracker.Job> jobs = new ArrayList<>(outcome.jobs());
        jobs.sort(Comparator.comparingLong(j -> j.submitNanos));
        for (JobTracker.Job j : jobs) {
            JobState o = j.outcome();
            if (o != null) {
                lastEnd = Math.max(lastEnd, j.endNanos());
            }
            if (o == JobState.COMPLETED) {
                c++;
                latency.recordSeconds(j.latencySeconds());
                JobCompleted r = j.result();
                server.recordSeconds(r.totalSeconds());
                double sum = 0;
                Map<String, Double> byStage = new LinkedHashMap<>();
                for (Map.Entry<String, Double> e : r.stageSeconds().entrySet()) {
                    steps.computeIfAbsent(e.getKey(), k -> new Distribution()).recordSeconds(e.getValue());
                    byStage.merge(STAGE_OF_STEP.getOrDefault(e.getKey(), e.getKey()), e.getValue(), Double::sum);
                    sum += e.getValue();
                }
                byStage.forEach((k, v) -> compute.computeIfAbsent(k, x -> new Distribution()).recordSeconds(v));
                waiting.recordSeconds(r.totalSeconds() - sum - r.codecSeconds());
                spans(j.statuses(), r.completedAt()).forEach((stage, s) -> spans.get(stage).recordSeconds(s));
            } else if (o == JobState.FAILED) {
                f++;
                if (failures.size() < LISTED) {
                    failures.add(Map.of("jobId", j.id, "reason", String.valueOf(j.reason())));
                }
            } else if (lostJobs.size() < LISTED) {
                lostJobs.add(Map.of("jobId", j.id, "lastState", j.lastState()));
            }
        }
        this.submitted = jobs.size();
        this.completed = c;
        this.failed = f;
        this.lost = submitted - c - f;
        this.submitErrors = outcome.submitErrors();
        this.latencyMillis = latency.millis();
        this.serverSeconds = server.seconds();
        this.waitingSeconds = waiting.seconds();
        compute.forEach((k, d) -> computeSeconds.put(k, d.seconds()));
        steps.forEach((k, d) -> stepSeconds.put(k, d.seconds()));
        spans.forEach((k, d) -> statusSeconds.put(k, d.seconds()));
        this.activeSeconds = (lastEnd - outcome.firstSubmitNanos()) / 1e9;
        this.throughputPerMinute = activeSeconds > 0 ? c * 60.0 / activeSeconds : 0;
    }

    /**
     * Seconds from each status to the job's next one (to {@code endMillis} after the last),
     * summed per stage: the stage's work, its hand-off, and the wait before the next stage takes
     * the job.
     */
    static Map<String, Double> spans(List<JobStatus> statuses, long endMillis) {
        List<JobStatus> sorted = new ArrayList<>(statuses);
        sorted.sort(Comparator.comparingLong(JobStatus::updatedAt));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            JobStatus s = sorted.get(i);
            if (s.state().isFinal()) {
                break;
            }
            long next = i + 1 < sorted.size() ? sorted.get(i + 1).updatedAt() : endMillis;
            out.merge(STAGE_OF.get(s.state()), Math.max(0, next - s.updatedAt()) / 1000.0, Double::sum);
        }
        return out;
    }

    /** Every figure, as {@code load-test.json} holds it. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(setup);
        m.put("startedAt", outcome.startedAt().toString());
        m.put("wallSeconds", round(outcome.wallSeconds()));
        m.put("submitSeconds", round(outcome.submitSeconds()));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("submitted", submitted);
        counts.put("completed", completed);
        counts.put("failed", failed);
        counts.put("lost", lost);
        counts.put("submitErrors", submitErrors);
        m.put("jobs", counts);
        m.put("latencyMillis", summary(latencyMillis));
        m.put("serverTotalSeconds", summary(serverSeconds));
        m.put("throughputJobsPerMinute", round(throughputPerMinute));
        m.put("activeSeconds", round(activeSeconds));
        Map<String, Object> compute = new LinkedHashMap<>();
        computeSeconds.forEach((k, s) -> compute.put(k, summary(s)));
        m.put("stageComputeSeconds", compute);
        Map<String, Object> step = new LinkedHashMap<>();
        stepSeconds.forEach((k, s) -> step.put(k, summary(s)));
        m.put("stepComputeSeconds", step);
        Map<String, Object> spans = new LinkedHashMap<>();
        statusSeconds.forEach((k, s) -> spans.put(k, summary(s)));
        m.put("stageStatusSeconds", spans);
        m.put("waitingSeconds", summary(waitingSeconds));
        m.put("maxConsumerLag", outcome.maxLag());
        m.put("consumerLagAtStart", outcome.lagAtStart());
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("cpus", Runtime.getRuntime().availableProcessors());
        load.put("start", round(outcome.loadStart()));
        load.put("max", round(outcome.loadMax()));
        load.put("end", round(outcome.loadEnd()));
        m.put("loadAverage1m", load);
        m.put("failures", failures);
        m.put("lostJobs", lostJobs);
        m.put("lagSamples", outcome.lagSamples());
        return m;
    }

    private static Map<String, Object> summary(Distribution.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("min", round(s.min()));
        m.put("mean", round(s.mean()));
        m.put("p50", round(s.p50()));
        m.put("p95", round(s.p95()));
        m.put("p99", round(s.p99()));
        m.put("max", round(s.max()));
        m.put("sum", round(s.sum()));
        return m;
    }

    private static Object round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
    }

    void write(Path dir) {
        try {
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
            AtomicFiles.writeString(dir.resolve(FILE), json + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table. */
    void print(PrintStream out) {
        out.printf(Locale.ROOT, "jobs         submitted %d   completed %d   failed %d   lost %d%s%n", submitted, completed,
                failed, lost, submitErrors > 0 ? "   (" + submitErrors + " could not be submitted)" : "");
        out.printf(Locale.ROOT, "latency      p50 %.2f s   p95 %.2f s   p99 %.2f s   max %.2f s   (min %.2f, mean %.2f; "
                + "submission to result, %d jobs)%n", latencyMillis.p50() / 1e3, latencyMillis.p95() / 1e3,
                latencyMillis.p99() / 1e3, latencyMillis.max() / 1e3, latencyMillis.min() / 1e3, latencyMillis.mean() / 1e3,
                latencyMillis.count());
        out.printf(Locale.ROOT, "throughput   %.1f jobs/min   (%d completed in %.1f s, first submission to last end; "
                + "wall %.1f s)%n", throughputPerMinute, completed, activeSeconds, outcome.wallSeconds());
        out.printf(Locale.ROOT, "%-12s %-27s %-27s %s%n", "stage", "compute s/job p50 / p95", "status span s/job p50 / p95",
                "max lag");
        List<String> stages = new ArrayList<>(STAGE_OF.values());
        computeSeconds.keySet().stream().filter(k -> !stages.contains(k)).forEach(stages::add);
        for (String stage : stages) {
            Distribution.Summary cs = computeSeconds.get(stage);
            Distribution.Summary ss = statusSeconds.get(stage);
            Long lag = outcome.maxLag().get(stage);
            out.printf(Locale.ROOT, "%-12s %-27s %-27s %s%n", stage,
                    cs == null || cs.count() == 0 ? "-" : String.format(Locale.ROOT, "%8.2f / %-8.2f", cs.p50(), cs.p95()),
                    ss == null || ss.count() == 0 ? "-" : String.format(Locale.ROOT, "%8.2f / %-8.2f", ss.p50(), ss.p95()),
                    lag == null ? "-" : lag);
        }
        out.printf(Locale.ROOT, "waiting      %.2f / %.2f s per job (p50 / p95): the job's time outside every stage "
                + "(Kafka hand-offs and queues)%n", waitingSeconds.p50(), waitingSeconds.p95());
        out.printf(Locale.ROOT, "load average %s at start, %s at most, %s at the end (1 min, %d CPUs)%n",
                fmt(outcome.loadStart()), fmt(outcome.loadMax()), fmt(outcome.loadEnd()),
                Runtime.getRuntime().availableProcessors());
        for (Map<String, String> f : failures) {
            out.println("failed       " + f.get("jobId") + ": " + f.get("reason"));
        }
        for (Map<String, String> l : lostJobs) {
            out.println("lost         " + l.get("jobId") + " (last seen: " + l.get("lastState") + ")");
        }
        out.flush();
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
    }
}
