package io.crespr.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The statistics: HdrHistogram percentiles within 0.1 %, never above the exact maximum. */
class DistributionTest {

    @Test
    void percentilesOfOneToAThousandMillisecondsAreWhereTheyShouldBe() {
        Distribution d = new Distribution();
        // recorded in a shuffled order: the order must not matter
        List<Integer> values = new java.util.ArrayList<>(java.util.stream.IntStream.rangeClosed(1, 1000).boxed().toList());
        java.util.Collections.shuffle(values, new Random(7));
        values.forEach(v -> d.recordMillis(v));

        Distribution.Summary s = d.millis();
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(1000.0);
        assertThat(s.mean()).isCloseTo(500.5, within(1e-9));
        assertThat(s.p50()).isCloseTo(500, within(0.5));
        assertThat(s.p95()).isCloseTo(950, within(1.0));
        assertThat(s.p99()).isCloseTo(990, within(1.0));
        assertThat(s.sum()).isCloseTo(500_500, within(1e-6));
    }

    @Test
    void percentilesAreOrderedAndNeverAboveTheMaximumWhateverTheInput() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            Distribution d = new Distribution();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                // log-uniform from microseconds to hours
                d.recordSeconds(Math.pow(10, -6 + 10 * r.nextDouble()));
            }
            Distribution.Summary s = d.seconds();
            assertThat(s.min()).isLessThanOrEqualTo(s.p50());
            assertThat(s.p50()).isLessThanOrEqualTo(s.p95());
            assertThat(s.p95()).isLessThanOrEqualTo(s.p99());
            assertThat(s.p99()).isLessThanOrEqualTo(s.max());
        }
    }

    @Test
    void oneValueIsEveryPercentileAndNoValuesAreZeros() {
        Distribution one = new Distribution();
        one.recordSeconds(12.3456);
        Distribution.Summary s = one.seconds();
        assertThat(List.of(s.min(), s.p50(), s.p95(), s.p99(), s.max())).allSatisfy(v ->
                assertThat(v).isCloseTo(12.3456, within(12.3456e-3)));
        assertThat(s.max()).isEqualTo(12.3456);

        Distribution.Summary none = new Distribution().millis();
        assertThat(none.count()).isZero();
        assertThat(none.p99()).isZero();
        assertThat(none.max()).isZero();
    }

    @Test
    void statusSpansChargeEachStageUntilTheNextStatusAndStopAtTheFinalOne() {
        // out of order on purpose: the topic's order is not the clock's
        List<JobStatus> statuses = List.of(
                status(JobState.TRAINING, 0, 1_500),
                status(JobState.SUBMITTED, 0, 1_000),
                status(JobState.EVALUATING, 0, 4_000),
                status(JobState.CLUSTERING, 1, 4_200),
                status(JobState.SCORING, 1, 4_300),
                status(JobState.PRUNING, 1, 4_600),
                status(JobState.TRAINING, 1, 4_700),
                status(JobState.EVALUATING, 1, 5_700),
                status(JobState.COMPLETED, 1, 6_000),
                status(JobState.TRAINING, 1, 9_000));

        var spans = LoadReport.spans(statuses, 6_100);

        assertThat(spans).containsOnlyKeys("queued", "training", "evaluation", "clustering", "hessian", "pruning");
        assertThat(spans.get("queued")).isCloseTo(0.5, within(1e-9));
        assertThat(spans.get("training")).isCloseTo(2.5 + 1.0, within(1e-9));
        assertThat(spans.get("evaluation")).isCloseTo(0.2 + 0.3, within(1e-9));
        assertThat(spans.get("clustering")).isCloseTo(0.1, within(1e-9));
        assertThat(spans.get("hessian")).isCloseTo(0.3, within(1e-9));
        assertThat(spans.get("pruning")).isCloseTo(0.1, within(1e-9));
        assertThat(spans.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(5.0, within(1e-9));
    }

    private static JobStatus status(JobState state, int round, long at) {
        return new JobStatus(1, "job-1", state, round, 2, null, null, null, null, at);
    }
}
