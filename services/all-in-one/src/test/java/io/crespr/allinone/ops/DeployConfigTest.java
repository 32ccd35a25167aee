package io.crespr.allinone.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files: the Helm chart (lint, and what it renders with default values, GPUs and
 * other settings), the alerting rules and Prometheus configuration (promtool), docker-compose.yml
 * (docker-compose config), yamllint over all of them, and the Dockerfiles.
 */
class DeployConfigTest {

    private static final String RELEASE = "crespr-stream";

    /** Consumer group of each stage. */
    private static final Map<String, String> GROUPS = Map.of(
            "training", "crespr-training",
            "evaluation", "crespr-evaluation",
            "clustering", "crespr-clustering",
            "hessian", "crespr-hessian",
            "pruning", "crespr-pruning");

    /** Input topics of each stage. */
    private static final Map<String, List<String>> INPUTS = Map.of(
            "training", List.of("crespr.jobs.v1", "crespr.models.retrained.v1", "crespr.checkpoints.pruned.v1"),
            "evaluation", List.of("crespr.checkpoints.trained.v1"),
            "clustering", List.of("crespr.checkpoints.evaluated.v1"),
            "hessian", List.of("crespr.checkpoints.clustered.v1"),
            "pruning", List.of("crespr.checkpoints.scored.v1"));

    private static final Set<String> GPU_STAGES = Set.of("training", "hessian");

    /** Every topic of the pipeline: the input topics, their dead-letter topics, status and results. */
    private static final Set<String> TOPICS = Stream.concat(
            INPUTS.values().stream().flatMap(List::stream).flatMap(t -> Stream.of(t, t + ".dlt")),
            Stream.of("crespr.job-status.v1", "crespr.results.v1")).collect(Collectors.toCollection(TreeSet::new));

    private static final int MAX_MESSAGE_BYTES = 8388608;

    private static Path root;
    private static Path chart;
    private static String defaultYaml;
    private static List<Map<String, Object>> defaults;
    private static String gpuYaml;
    private static List<Map<String, Object>> gpu;

    @BeforeAll
    static void render() {
        root = OpsTools.repoRoot();
        chart = OpsTools.chart();
        defaultYaml = template(Map.of());
        defaults = parse(defaultYaml);
        gpuYaml = IsolatedHelm.template(chart, List.of(chart.resolve("values-gpu.yaml")), Map.of());
        gpu = parse(gpuYaml);
    }

    // ---- the chart ------------------------------------------------------------------------

    @Test
    void helmLintPasses() {
        IsolatedHelm.Lint lint = IsolatedHelm.lint(chart);
        assertThat(lint.failed()).as("helm lint --strict:\n%s", String.join("\n", lint.messages())).isFalse();
    }

    @Test
    void defaultValuesRenderOneDeploymentPerStage() {
        List<Map<String, Object>> deployments = ofKind(defaults, "Deployment");
        assertThat(deployments).extracting(DeployConfigTest::stage).containsExactlyInAnyOrderElementsOf(GROUPS.keySet());
        for (Map<String, Object> d : deployments) {
            String stage = stage(d);
            assertThat(name(d)).isEqualTo(RELEASE + "-" + stage + "-service");
            Map<String, Object> container = container(d);
            assertThat((String) container.get("image")).isEqualTo("crespr/" + stage + "-service:0.1.0");
            assertThat(get(container, "ports", 0, "name")).isEqualTo("http");
            assertThat(get(container, "ports", 0, "containerPort")).isEqualTo(8080);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertThat(get(container, probe, "httpGet", "path")).as(probe).isEqualTo("/health");
                assertThat(get(container, probe, "httpGet", "port")).as(probe).isEqualTo("http");
            }
            assertThat(env(container)).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "crespr-kafka-bootstrap:9092")
                    .containsEntry("MICRONAUT_SERVER_PORT", "8080")
                    .containsEntry("CRESPR_CHECKPOINT_STORE", "/var/lib/crespr/checkpoints")
                    .containsEntry("CRESPR_DATA_DIR", "/var/lib/crespr/data")
                    .containsEntry("CRESPR_PARTITIONS", "3")
                    .containsEntry("CRESPR_CREATE_TOPICS", "false")
                    .containsEntry("OMP_NUM_THREADS", "1");
            assertThat(limits(container)).doesNotContainKey("nvidia.com/gpu");
            assertThat(get(d, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName"))
                    .isEqualTo(RELEASE + "-checkpoints");
            assertThat(get(d, "spec")).as("KEDA owns the replica count").asInstanceOf(MAP).doesNotContainKey("replicas");
        }
        assertThat(ofKind(defaults, "Service")).extracting(DeployConfigTest::stage)
                .containsExactlyInAnyOrderElementsOf(GROUPS.keySet());
        List<Map<String, Object>> claims = ofKind(defaults, "PersistentVolumeClaim");
        assertThat(claims).extracting(DeployConfigTest::name).containsExactly(RELEASE + "-checkpoints");
        assertThat(get(claims.get(0), "spec", "accessModes")).isEqualTo(List.of("ReadWriteMany"));
    }

    @Test
    void gpuValuesPutExactlyTrainingAndHessianOnGpus() {
        for (Map<String, Object> d : ofKind(gpu, "Deployment")) {
            String stage = stage(d);
            boolean onGpu = GPU_STAGES.contains(stage);
            Map<String, Object> container = container(d);
            assertThat(limits(container).containsKey("nvidia.com/gpu")).as("GPU limit of %s", stage).isEqualTo(onGpu);
            if (onGpu) {
                assertThat(limits(container).get("nvidia.com/gpu")).isEqualTo(1);
                assertThat((String) container.get("image")).isEqualTo("crespr/" + stage + "-service:0.1.0-cuda");
                assertThat(get(d, "spec", "template", "spec", "nodeSelector")).asInstanceOf(MAP)
                        .containsEntry("nvidia.com/gpu.present", "true");
                assertThat(get(d, "spec", "template", "spec", "tolerations")).asInstanceOf(LIST)
                        .anySatisfy(t -> assertThat(get(t, "key")).isEqualTo("nvidia.com/gpu"));
            } else {
                assertThat((String) container.get("image")).doesNotEndWith("-cuda");
                assertThat(get(d, "spec", "template", "spec")).asInstanceOf(MAP)
                        .doesNotContainKeys("nodeSelector", "tolerations");
            }
        }
        assertThat(ofKind(gpu, "Deployment")).hasSize(5);
    }

    @Test
    void everyStageScalesOnItsConsumerGroupWithinItsPartitions() {
        checkScaledObjects(defaults);
        checkScaledObjects(gpu);
    }

    private static void checkScaledObjects(List<Map<String, Object>> docs) {
        Map<String, Integer> partitions = partitions(docs);
        List<Map<String, Object>> scaled = ofKind(docs, "ScaledObject");
        assertThat(scaled).extracting(DeployConfigTest::stage).containsExactlyInAnyOrderElementsOf(GROUPS.keySet());
        for (Map<String, Object> so : scaled) {
            String stage = stage(so);
            int min = (Integer) get(so, "spec", "minReplicaCount");
            int max = (Integer) get(so, "spec", "maxReplicaCount");
            assertThat(get(so, "spec", "scaleTargetRef", "name")).isEqualTo(RELEASE + "-" + stage + "-service");
            assertThat(min).as("minReplicaCount of %s", stage).isGreaterThanOrEqualTo(1);
            List<Map<String, Object>> triggers = list(get(so, "spec", "triggers"));
            List<String> topics = new ArrayList<>();
            for (Map<String, Object> trigger : triggers) {
                assertThat(trigger.get("type")).isEqualTo("kafka");
                Map<String, Object> metadata = map(trigger.get("metadata"));
                assertThat(metadata.get("consumerGroup")).as(stage).isEqualTo(GROUPS.get(stage));
                String topic = (String) metadata.get("topic");
                topics.add(topic);
                assertThat(partitions).as("a KafkaTopic for %s", topic).containsKey(topic);
                assertThat(max).as("maxReplicaCount of %s against the partitions of %s", stage, topic)
                        .isLessThanOrEqualTo(partitions.get(topic));
                assertThat(Integer.parseInt((String) metadata.get("lagThreshold"))).isPositive();
            }
            assertThat(topics).as("trigger topics of %s", stage).containsExactlyElementsOf(INPUTS.get(stage));
        }
        // Heavy stages scale on a small lag: a record is minutes of work.
        assertThat(ofKind(docs, "ScaledObject")).filteredOn(so -> GPU_STAGES.contains(stage(so)))
                .allSatisfy(so -> assertThat(get(so, "spec", "triggers", 0, "metadata", "lagThreshold")).isEqualTo("2"));
    }

    @Test
    void everyTopicIsAKafkaTopicWithTheRecordSizeLimit() {
        List<Map<String, Object>> topics = ofKind(defaults, "KafkaTopic");
        assertThat(topics).extracting(t -> (String) get(t, "spec", "topicName"))
                .containsExactlyInAnyOrderElementsOf(TOPICS);
        for (Map<String, Object> t : topics) {
            String topic = (String) get(t, "spec", "topicName");
            Map<String, Object> config = map(get(t, "spec", "config"));
            assertThat(config.get("max.message.bytes")).as(topic).isEqualTo(MAX_MESSAGE_BYTES);
            assertThat((Integer) get(t, "spec", "partitions")).as(topic).isGreaterThanOrEqualTo(3);
            assertThat(get(t, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("crespr");
            if (topic.equals("crespr.job-status.v1")) {
                assertThat(config).containsEntry("cleanup.policy", "compact");
            } else {
                assertThat(config).doesNotContainKey("cleanup.policy").containsKey("retention.ms");
            }
        }
    }

    @Test
    void maxReplicasAbovePartitionsFailsTheRender() {
        assertThatThrownBy(() -> template(Map.of("strimzi.enabled", "false",
                "services.hessian.autoscaling.maxReplicas", "4")))
                .isInstanceOf(IsolatedHelm.HelmException.class)
                .hasMessageContaining("services.hessian.autoscaling.maxReplicas (4) exceeds the 3 partitions of topic "
                        + "crespr.checkpoints.clustered.v1");
        // Topics that exist with more partitions allow more replicas.
        List<Map<String, Object>> docs = parse(template(Map.of("strimzi.enabled", "false",
                "services.hessian.autoscaling.maxReplicas", "4",
                "kafka.topicPartitions.crespr\\.checkpoints\\.clustered\\.v1", "4")));
        assertThat(ofKind(docs, "ScaledObject")).filteredOn(so -> stage(so).equals("hessian"))
                .singleElement().satisfies(so -> assertThat(get(so, "spec", "maxReplicaCount")).isEqualTo(4));
        assertThatThrownBy(() -> template(Map.of("services.pruning.autoscaling.minReplicas", "0")))
                .hasMessageContaining("services.pruning.autoscaling.minReplicas is 0: it must be at least 1");
    }

    @Test
    void theValuesSchemaRejectsMistypedValues() {
        assertThatThrownBy(() -> template(Map.of("services.training.gpu", "yes")))
                .hasMessageContaining("/services/training/gpu");
        assertThatThrownBy(() -> template(Map.of("checkpointStore.type", "nfs")))
                .hasMessageContaining("/checkpointStore/type");
    }

    @Test
    void topicsTheChartOwnsGetAPartitionForEveryReplica() {
        List<Map<String, Object>> docs = parse(template(Map.of("services.training.autoscaling.maxReplicas", "6")));
        Map<String, Integer> partitions = partitions(docs);
        for (String topic : INPUTS.get("training")) {
            assertThat(partitions.get(topic)).as(topic).isEqualTo(6);
            assertThat(partitions.get(topic + ".dlt")).as(topic + ".dlt").isEqualTo(3);
        }
        assertThat(partitions.get("crespr.checkpoints.trained.v1")).isEqualTo(3);
        checkScaledObjects(docs);
    }

    @Test
    void kedaStrimziAndMonitoringCanBeTurnedOff() {
        List<Map<String, Object>> docs = parse(template(Map.of("keda.enabled", "false", "strimzi.enabled", "false",
                "monitoring.enabled", "false")));
        assertThat(docs).extracting(d -> (String) d.get("kind")).containsOnly("Deployment", "Service", "PersistentVolumeClaim");
        for (Map<String, Object> d : ofKind(docs, "Deployment")) {
            assertThat(get(d, "spec", "replicas")).isEqualTo(1);
            assertThat(env(container(d))).containsEntry("CRESPR_CREATE_TOPICS", "true");
        }
    }

    @Test
    void podMonitorInsteadOfServiceMonitor() {
        List<Map<String, Object>> docs = parse(template(Map.of("monitoring.kind", "PodMonitor")));
        assertThat(ofKind(docs, "ServiceMonitor")).isEmpty();
        Map<String, Object> monitor = ofKind(docs, "PodMonitor").get(0);
        assertThat(get(monitor, "spec", "podMetricsEndpoints", 0, "path")).isEqualTo("/prometheus");
        assertThat(get(monitor, "spec", "podMetricsEndpoints", 0, "port")).isEqualTo("http");
        Map<String, Object> serviceMonitor = ofKind(defaults, "ServiceMonitor").get(0);
        assertThat(get(serviceMonitor, "spec", "endpoints", 0, "path")).isEqualTo("/prometheus");
        assertThat(get(serviceMonitor, "spec", "endpoints", 0, "relabelings", 0, "replacement")).isEqualTo("crespr-stream");
    }

    @Test
    void anObjectStoreSetsEnvironmentAndNoVolume() {
        List<Map<String, Object>> docs = parse(template(Map.of("checkpointStore.type", "objectStore",
                "checkpointStore.objectStore.uri", "s3://crespr/checkpoints",
                "checkpointStore.objectStore.envFromSecret", "crespr-store",
                "checkpointStore.objectStore.env.AWS_REGION", "eu-west-1")));
        assertThat(ofKind(docs, "PersistentVolumeClaim")).isEmpty();
        for (Map<String, Object> d : ofKind(docs, "Deployment")) {
            Map<String, Object> container = container(d);
            assertThat(env(container)).containsEntry("CRESPR_CHECKPOINT_STORE", "s3://crespr/checkpoints")
                    .containsEntry("AWS_REGION", "eu-west-1");
            assertThat(get(container, "envFrom", 0, "secretRef", "name")).isEqualTo("crespr-store");
            assertThat(DeployConfigTest.<Map<String, Object>>list(get(d, "spec", "template", "spec", "volumes"))).extracting(v -> v.get("name")).containsExactly("data");
        }
        assertThatThrownBy(() -> template(Map.of("checkpointStore.type", "objectStore")))
                .hasMessageContaining("checkpointStore.objectStore.uri is required");
    }

    @Test
    void thePrometheusRuleIsTheAlertsFile(@TempDir Path tmp) throws IOException {
        Map<String, Object> rule = ofKind(defaults, "PrometheusRule").get(0);
        Object fromFile = new Yaml().load(Files.readString(chart.resolve("files/alerts.yml")));
        assertThat(rule.get("spec")).isEqualTo(fromFile);
        Path extracted = tmp.resolve("rendered-rules.yml");
        Files.writeString(extracted, new Yaml().dump(rule.get("spec")));
        OpsTools.Result check = OpsTools.run("promtool", "check", "rules", extracted.toString());
        assertThat(check.exitCode()).as(check.describe()).isZero();
    }

    @Test
    void theDashboardConfigMapIsTheDashboardFile() throws IOException {
        Map<String, Object> cm = ofKind(defaults, "ConfigMap").stream()
                .filter(c -> name(c).equals(RELEASE + "-dashboard")).findFirst().orElseThrow();
        assertThat(get(cm, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
        String json = (String) get(cm, "data", "crespr-stream.json");
        assertThat(json).isEqualTo(Files.readString(chart.resolve("files/crespr-stream.json")).strip());
    }

    @Test
    void theDashboardShowsTheStagesAndTheJobs() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(chart.resolve("files/crespr-stream.json")));
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("uid").asText()).isEqualTo("crespr-stream");
        JsonNode datasource = dashboard.path("templating").path("list").get(0);
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
        assertThat(titles).contains("Throughput per stage", "Processing time per stage (p50, p95)", "Records in flight",
                "Consumer lag per stage", "Checkpoint bytes", "Accuracy of recent jobs", "Sparsity and intra-module share",
                "Job duration", "Failures by stage and reason", "Dead letters by topic");
        List<String> expressions = DeployMetricNames.dashboardExpressions(chart.resolve("files/crespr-stream.json"));
        assertThat(expressions).anyMatch(e -> e.startsWith("histogram_quantile(0.5,") && e.contains("crespr_stage_processing_seconds_bucket"))
                .anyMatch(e -> e.startsWith("histogram_quantile(0.95,") && e.contains("crespr_stage_processing_seconds_bucket"));
    }

    // ---- yamllint, promtool, docker-compose ----------------------------------------------------

    @Test
    void theRenderedChartPassesYamllint(@TempDir Path tmp) throws IOException {
        Path rendered = tmp.resolve("default.yaml");
        Files.writeString(rendered, defaultYaml);
        Path renderedGpu = tmp.resolve("gpu.yaml");
        Files.writeString(renderedGpu, gpuYaml);
        Path renderedOff = tmp.resolve("off.yaml");
        Files.writeString(renderedOff, template(Map.of("keda.enabled", "false", "strimzi.enabled", "false",
                "monitoring.kind", "PodMonitor", "data.type", "persistentVolumeClaim")));
        yamllint(rendered.toString(), renderedGpu.toString(), renderedOff.toString());
    }

    @Test
    void composeChartValuesAndPrometheusFilesPassYamllint() {
        yamllint("docker-compose.yml", "docker-compose.gpu.yml", "deploy/prometheus", "deploy/grafana", "deploy/.yamllint",
                "deploy/helm/crespr-stream/Chart.yaml", "deploy/helm/crespr-stream/values.yaml",
                "deploy/helm/crespr-stream/values-gpu.yaml", "deploy/helm/crespr-stream/files/alerts.yml");
    }

    private static void yamllint(String... files) {
        List<String> args = new ArrayList<>(List.of("--strict", "--format", "parsable", "-c", "deploy/.yamllint"));
        args.addAll(List.of(files));
        OpsTools.Result result = OpsTools.run("yamllint", args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void theAlertRulesPassPromtool() {
        for (String rules : List.of("deploy/prometheus/alerts.yml", "deploy/helm/crespr-stream/files/alerts.yml")) {
            OpsTools.Result check = OpsTools.run("promtool", "check", "rules", rules);
            assertThat(check.exitCode()).as(check.describe()).isZero();
            assertThat(check.output()).contains("SUCCESS: 5 rules found");
        }
        OpsTools.Result test = OpsTools.run("promtool", "test", "rules", "deploy/prometheus/alerts.test.yml");
        assertThat(test.exitCode()).as(test.describe()).isZero();
    }

    @Test
    void thePrometheusConfigPassesPromtool() {
        OpsTools.Result check = OpsTools.run("promtool", "check", "config", "deploy/prometheus/prometheus.yml");
        assertThat(check.exitCode()).as(check.describe()).isZero();
    }

    @Test
    void dockerComposeAcceptsTheComposeFiles() {
        OpsTools.Result config = OpsTools.run("docker-compose", "-f", "docker-compose.yml", "config", "-q");
        assertThat(config.exitCode()).as(config.describe()).isZero();
        OpsTools.Result gpuConfig = OpsTools.run("docker-compose", "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml",
                "config", "-q");
        assertThat(gpuConfig.exitCode()).as(gpuConfig.describe()).isZero();
    }

    @Test
    void composeUsesTheChartsRulesAndDashboard() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(DeployConfigTest.<String>list(get(services, "prometheus", "volumes")))
                .contains("./deploy/helm/crespr-stream/files/alerts.yml:/etc/prometheus/alerts.yml:ro");
        assertThat(DeployConfigTest.<String>list(get(services, "grafana", "volumes")))
                .contains("./deploy/helm/crespr-stream/files/crespr-stream.json:/var/lib/grafana/dashboards/crespr-stream.json:ro");
        // The paths under deploy/ lead to the same single copies.
        assertThat(Files.isSameFile(root.resolve("deploy/prometheus/alerts.yml"), chart.resolve("files/alerts.yml"))).isTrue();
        assertThat(Files.isSameFile(root.resolve("deploy/grafana/crespr-stream.json"), chart.resolve("files/crespr-stream.json")))
                .isTrue();
        for (String stage : GROUPS.keySet()) {
            Map<String, Object> service = map(services.get(stage + "-service"));
            assertThat(get(service, "build", "dockerfile")).isEqualTo("services/" + stage + "-service/Dockerfile");
            assertThat(get(service, "depends_on", "kafka", "condition")).isEqualTo("service_healthy");
            assertThat(DeployConfigTest.<String>list(service.get("volumes"))).contains("checkpoints:/var/lib/crespr/checkpoints");
        }
        assertThat(get(services, "example-job", "profiles")).isEqualTo(List.of("example"));
        assertThat(get(services, "kafka", "environment", "KAFKA_MESSAGE_MAX_BYTES")).isEqualTo(String.valueOf(MAX_MESSAGE_BYTES));
    }

    // ---- Dockerfiles ------------------------------------------------------------------------

    @Test
    void theDockerfilesShareOneBuildStageAndRunAsNonRoot() throws IOException {
        String buildStage = null;
        for (String module : List.of("training-service", "evaluation-service", "clustering-service", "hessian-service",
                "pruning-service", "all-in-one")) {
            String dockerfile = Files.readString(root.resolve("services/" + module + "/Dockerfile"));
            int from = dockerfile.indexOf("FROM eclipse-temurin:17-jdk AS build");
            int runtime = dockerfile.indexOf("FROM eclipse-temurin:17-jre");
            assertThat(from).as(module).isPositive();
            assertThat(runtime).as(module).isGreaterThan(from);
            String stage = dockerfile.substring(from, runtime);
            if (buildStage == null) {
                buildStage = stage;
            }
            assertThat(stage).as("the build stage of %s is the same as the others' (one build for all images)", module)
                    .isEqualTo(buildStage);
            String image = dockerfile.substring(runtime);
            assertThat(image).as(module).contains("USER crespr", "OMP_NUM_THREADS=1");
            if (!module.equals("all-in-one")) {
                assertThat(image).as(module).contains("EXPOSE 8080", "HEALTHCHECK", "/health",
                        "-jar /app/" + module + ".jar");
            }
        }
        assertThat(buildStage).contains("./mvnw", "ND4J_BACKEND", "cuda");
        assertThat(Files.readAllLines(root.resolve(".dockerignore"))).contains("**/target", "runs", ".git");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String template(Map<String, String> sets) {
        return IsolatedHelm.template(chart, List.of(), new LinkedHashMap<>(sets));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static String name(Map<String, Object> doc) {
        return (String) get(doc, "metadata", "name");
    }

    private static String stage(Map<String, Object> doc) {
        return (String) get(doc, "metadata", "labels", "app.kubernetes.io/component");
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = list(get(deployment, "spec", "template", "spec", "containers"));
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Object> limits(Map<String, Object> container) {
        Object limits = get(container, "resources", "limits");
        return limits == null ? Map.of() : map(limits);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : DeployConfigTest.<Map<String, Object>>list(container.get("env"))) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        return env;
    }

    /** Partitions of every rendered KafkaTopic, by topic name. */
    private static Map<String, Integer> partitions(List<Map<String, Object>> docs) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map<String, Object> t : ofKind(docs, "KafkaTopic")) {
            out.put((String) get(t, "spec", "topicName"), (Integer) get(t, "spec", "partitions"));
        }
        return out;
    }

    /** Follows map keys and list indexes; null where the path ends early. */
    private static Object get(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> m) {
                current = m.get(step);
            } else if (current instanceof List<?> l && step instanceof Integer i) {
                current = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<T>) o;
    }
}
