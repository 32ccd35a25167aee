package io.crespr.allinone.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeployMetricNamesTest {

    @Test
    void findsTheMetricsOfAnExpression() {
        assertThat(DeployMetricNames.extract(
                "histogram_quantile(0.95, sum by (stage, le) (rate(crespr_stage_processing_seconds_bucket{stage=~\"$stage\"}[$__rate_interval])))"))
                .containsExactly("crespr_stage_processing_seconds_bucket");
        assertThat(DeployMetricNames.extract("sum(rate(a_total{job=\"x\", le=\"0.5\"}[5m] offset 1h)) by (stage) / on (stage) group_left "
                + "max without (instance) (b_bytes) > bool 0"))
                .containsExactly("a_total", "b_bytes");
        assertThat(DeployMetricNames.extract("time() - max by (method) (crespr_job_last_completed_timestamp_seconds)"))
                .containsExactly("crespr_job_last_completed_timestamp_seconds");
        assertThat(DeployMetricNames.extract("up{pipeline=\"crespr-stream\"} == 0 and on() vector(1) or absent(up)"))
                .containsExactly("up");
        assertThat(DeployMetricNames.extract("rate(x:recorded:rate5m[1m:10s]) * 1e3 + label_replace(y, \"dst\", \"$1\", \"src\", \"(.*)\")"))
                .containsExactly("x:recorded:rate5m", "y");
        assertThat(DeployMetricNames.extract("label_values(crespr_jobs_completed_total{method!=\"\"}, method)"))
                .containsExactly("crespr_jobs_completed_total");
        assertThat(DeployMetricNames.extract("label_values(stage)")).isEmpty();
    }

    @Test
    void theDashboardAndTheAlertsUseTheContractsMetrics() {
        assertThat(DeployMetricNames.used()).contains(
                "crespr_stage_processing_seconds_bucket", "crespr_stage_processing_seconds_count",
                "crespr_stage_records_in_flight", "crespr_checkpoint_bytes_total", "crespr_message_bytes_total",
                "crespr_stage_failures_total", "crespr_dead_letters_total", "crespr_jobs_failed_total",
                "kafka_consumer_fetch_manager_records_lag_max", "crespr_jobs_completed_total",
                "crespr_job_duration_seconds_bucket", "crespr_job_duration_seconds_max",
                "crespr_job_last_pruned_accuracy_ratio", "crespr_job_last_dense_accuracy_ratio",
                "crespr_job_last_sparsity_ratio", "crespr_job_last_intra_module_share_ratio",
                "crespr_job_last_completed_timestamp_seconds", "up")
                .allMatch(name -> name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), "a metric name");
        assertThat(DeployMetricNames.exported()).doesNotContain("up").contains("crespr_stage_records_in_flight");
    }
}
