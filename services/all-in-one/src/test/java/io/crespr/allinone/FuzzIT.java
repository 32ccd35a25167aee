package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crespr.runtime.DeadLetters;
import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.CheckpointTransport;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.JobSubmitted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.messages.ModelRetrained;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.TopicSpec;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Dl4jModels;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.StageSteps;
import io.crespr.testkit.PipelineFixtures;
import io.crespr.testkit.TestKafka;
import io.crespr.testkit.TopicProbe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fuzzed records, from a seeded random source, to every topic a stage reads: random bytes,
 * truncated JSON, fields of the wrong type, huge fields, wrong schema versions, and events whose
 * envelope is right but whose payload is not (compression bombs, claim checks to devices and
 * directories, truncated files, DL4J zips with a Java-serialised entry or a zip bomb). Every one
 * of them must land on its topic's dead-letter topic, once, as bad input (no retries); no stage
 * may stop; and a good job sent afterwards completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzIT {

    private static final Logger LOG = LoggerFactory.getLogger(FuzzIT.class);
    private static final long SEED = 20_250_601L;
    /** Records in all; {@code -Dcrespr.fuzz.records=7000} sends a thousand to each input topic. */
    private static final int RECORDS = Integer.getInteger("crespr.fuzz.records", 1000);
    private static final String FUZZ_HEADER = "crespr-fuzz-id";
    private static final long MAX_PAYLOAD = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamingPipeline pipeline;
    private CheckpointTransport transport;
    private JobClient client;
    private Path store;
    private final Map<String, ObjectNode> templates = new LinkedHashMap<>();
    private final List<String> inputs = Topics.ALL.stream().filter(TopicSpec::consumedByStages).map(TopicSpec::name)
            .toList();
    private final List<PayloadRef> badCheckpoints = new ArrayList<>();
    private final List<PayloadRef> badZips = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        store = Files.createTempDirectory("crespr-fuzz-it-");
        Path standing = store.resolve("fuzz-model-plan.yaml");
        Files.writeString(standing, "dataset: synthetic\narch: mlp:16\nmethod: gmp\ntargetSparsity: 0.75\nrounds: 2\n"
                + "evaluators: [accuracy, sparsity]\n");
        pipeline = StreamingPipeline.start(TestKafka.bootstrapServers(), store, Map.of("crespr.partitions", "2",
                "crespr.inline-limit", "65536", "crespr.max-payload-bytes", String.valueOf(MAX_PAYLOAD),
                "crespr.standing-plans.fuzz-model", standing.toString()));
        transport = pipeline.context().getBean(CheckpointTransport.class);
        client = new JobClient(TestKafka.bootstrapServers(), KafkaLimits.defaults());
        makeTemplates();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** A valid record of each input topic, and payloads that are broken in every way a reader must survive. */
    private void makeTemplates() throws IOException {
        Map<TopicSpec<?>, CheckpointEvent> first = PipelineFixtures.firstEvents("fuzz-template",
                PipelineFixtures.tinyPlan(), transport);
        templates.put(Topics.JOBS_NAME, tree(JobSubmitted.of("fuzz-template", PipelineFixtures.tinyPlan())));
        CheckpointEvent trained = first.get(Topics.CHECKPOINTS_TRAINED);
        Checkpoint dense = transport.checkpoint(trained.checkpoint());
        templates.put(Topics.MODELS_RETRAINED_NAME, tree(new ModelRetrained(1, "fuzz-model", "1",
                transport.putCheckpoint("fuzz-template", dense), null, null)));
        for (TopicSpec<?> t : List.of(Topics.CHECKPOINTS_TRAINED, Topics.CHECKPOINTS_EVALUATED,
                Topics.CHECKPOINTS_CLUSTERED, Topics.CHECKPOINTS_SCORED, Topics.CHECKPOINTS_PRUNED)) {
            templates.put(t.name(), tree(first.get(t)));
        }
        assertThat(templates.keySet()).containsExactlyInAnyOrderElementsOf(inputs);

        byte[] ckpt = CheckpointCodec.toBytes(dense);
        String sha = CheckpointCodec.sha256(ckpt);
        String zeroSha = "0".repeat(64);
        byte[] bomb = PipelineFixtures.zstdBomb(1L << 30);
        Path truncated = Files.write(store.resolve("truncated.crespr-checkpoint"),
                java.util.Arrays.copyOf(ckpt, ckpt.length / 2));
        Path dir = Files.createDirectories(store.resolve("a-directory.crespr-checkpoint"));
        String c = PayloadRef.CHECKPOINT;
        badCheckpoints.add(new PayloadRef(c, PayloadRef.INLINE, 1L << 30, zeroSha, b64(bomb), null));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.INLINE, ckpt.length, sha, b64(bomb), null));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.INLINE, ckpt.length, sha, b64(new byte[] {1, 2, 3, 4, 5}), null));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.INLINE, ckpt.length, sha, "not base64 at all!", null));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null, "file:///dev/zero"));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null, dir.toUri().toString()));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null, truncated.toUri().toString()));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null,
                store.resolve("missing").toUri().toString()));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null, "http://example.invalid/x"));
        badCheckpoints.add(new PayloadRef(c, PayloadRef.STORE, ckpt.length, sha, null, "::not a uri::"));
        badCheckpoints.add(new PayloadRef(PayloadRef.SALIENCY, PayloadRef.STORE, ckpt.length, sha, null,
                truncated.toUri().toString()));
        badCheckpoints.add(transport.putInStore("fuzz-template", c, "not a checkpoint".getBytes(StandardCharsets.UTF_8)));

        Path zip = store.resolve("fuzz-model.zip");
        Dl4jModels.export(dense, zip);
        Map<String, byte[]> entries = unzip(Files.readAllBytes(zip));
        ByteArrayOutputStream serialised = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialised)) {
            out.writeObject(new java.util.HashMap<>(Map.of("gadget", "chain")));
        }
        badZips.add(zipRef("preprocessor", with(entries, "preprocessor.bin", serialised.toByteArray())));
        badZips.add(zipRef("bomb", with(entries, "updaterState.bin", new byte[(int) (2 * MAX_PAYLOAD)])));
        badZips.add(zipRef("evil-entry", with(entries, "Evil.class", new byte[64])));
        badZips.add(zipRef("not-a-zip", "PK but no zip".getBytes(StandardCharsets.UTF_8)));
        String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"org\\.nd4j\\.linalg\\.activations\\.impl\\.ActivationReLU\"", "\"java.net.URL\"");
        badZips.add(zipRef("foreign-class", with(entries, "configuration.json", json.getBytes(StandardCharsets.UTF_8))));
    }

    private PayloadRef zipRef(String name, Map<String, byte[]> entries) throws IOException {
        return zipRef(name, zip(entries));
    }

    private PayloadRef zipRef(String name, byte[] zip) throws IOException {
        Path file = Files.write(store.resolve(name + ".zip"), zip);
        return new PayloadRef(PayloadRef.DL4J_ZIP, PayloadRef.STORE, zip.length, CheckpointCodec.sha256(zip), null,
                file.toUri().toString());
    }

    @Test
    void fuzzedRecordsOnEveryInputTopicAllLandInTheirDeadLetterTopicsAndTheStagesCarryOn() throws Exception {
        // given a thousand fuzzed records, spread over the seven topics the stages read
        Random rnd = new Random(SEED);
        Map<String, List<Integer>> sent = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        long t0 = System.nanoTime();
        long bytes = 0;
        Map<String, Object> props = Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "acks", "all",
                "max.request.size", String.valueOf(KafkaLimits.DEFAULT_MAX_MESSAGE_BYTES), "linger.ms", "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String topic = inputs.get(i % inputs.size());
                // one record as large as a topic takes: its dead letter, with headers, is larger
                Fuzzed f = i == RECORDS / 2 ? new Fuzzed("at-the-size-limit",
                        randomBytes(rnd, KafkaLimits.DEFAULT_MAX_MESSAGE_BYTES - 400)) : fuzz(topic, rnd);
                kinds.merge(f.kind, 1, Integer::sum);
                byte[] key = switch (rnd.nextInt(20)) {
                    case 0 -> null;
                    case 1 -> randomBytes(rnd, 1 + rnd.nextInt(40));
                    default -> ("fuzz-" + i).getBytes(StandardCharsets.UTF_8);
                };
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, f.value);
                r.headers().add(FUZZ_HEADER, String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(r));
                sent.computeIfAbsent(topic, k -> new ArrayList<>()).add(i);
                bytes += f.value == null ? 0 : f.value.length;
            }
            for (Future<RecordMetadata> a : acks) {
                a.get();
            }
        }
        LOG.info("sent {} fuzzed records ({} MB) in {} ms: {}", RECORDS, bytes / 1_000_000,
                (System.nanoTime() - t0) / 1_000_000, kinds);

        // when a good job follows them, it completes
        PruningPlan plan = Plans.build(PipelineFixtures.tinyPlan(), null);
        JobCompleted done;
        try (JobClient.Watch watch = client.watch("after-fuzz")) {
            client.submit("after-fuzz", Plans.toMap(plan), new StageSteps(plan, null).rounds());
            done = watch.await(Duration.ofSeconds(180), s -> { });
        }
        assertThat(done.rounds()).hasSize(2);
        LOG.info("good job done {} ms after the first fuzzed record was sent", (System.nanoTime() - t0) / 1_000_000);

        // then every fuzzed record sits on its own topic's dead-letter topic exactly once, as bad input
        Map<String, List<Integer>> dead = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        List<String> notBadInput = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        do {
            dead.clear();
            reasons.clear();
            notBadInput.clear();
            for (String topic : inputs) {
                for (ConsumerRecord<String, byte[]> r : TopicProbe.read(topic + ".dlt")) {
                    String id = header(r, FUZZ_HEADER);
                    if (id == null) {
                        continue;
                    }
                    assertThat(header(r, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic);
                    dead.computeIfAbsent(topic, k -> new ArrayList<>()).add(Integer.valueOf(id));
                    String error = header(r, DeadLetters.ERROR_CLASS);
                    reasons.merge(error.substring(error.lastIndexOf('.') + 1) + ": "
                            + abbreviate(header(r, DeadLetters.ERROR_MESSAGE)), 1, Integer::sum);
                    if (!error.equals("io.crespr.shared.InvalidInputException")
                            && !error.equals("io.crespr.shared.messages.BadEventException")) {
                        notBadInput.add(id + " " + error + ": " + header(r, DeadLetters.ERROR_MESSAGE));
                    }
                }
            }
            if (dead.values().stream().mapToInt(List::size).sum() >= RECORDS) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        LOG.info("{} dead letters by reason: {}", dead.values().stream().mapToInt(List::size).sum(), reasons.size());
        reasons.forEach((reason, n) -> LOG.info("  {} x {}", n, reason));
        for (String topic : inputs) {
            List<Integer> got = new ArrayList<>(dead.getOrDefault(topic, List.of()));
            got.sort(null);
            assertThat(got).as("fuzzed records of " + topic + " on its dead-letter topic")
                    .containsExactlyElementsOf(sent.get(topic));
        }
        assertThat(notBadInput).as("records dead-lettered only after retries (not recognised as bad input)").isEmpty();
        assertThat(pipeline.context().isRunning()).isTrue();
    }

    private record Fuzzed(String kind, byte[] value) {
    }

    /** One broken record for {@code topic}: each kind below is invalid whatever the random choices. */
    private Fuzzed fuzz(String topic, Random rnd) {
        ObjectNode t = templates.get(topic).deepCopy();
        int kind = rnd.nextInt(12);
        switch (kind) {
            case 0, 1:
                return new Fuzzed("random-bytes", rnd.nextInt(50) == 0 ? null : notAnObject(rnd));
            case 2, 3: {
                byte[] whole = bytes(t);
                return new Fuzzed("truncated-json", java.util.Arrays.copyOf(whole, rnd.nextInt(whole.length)));
            }
            case 4, 5:
                return new Fuzzed("wrong-type", bytes(wrongType(topic, t, rnd)));
            case 6:
                return new Fuzzed("huge-field", huge(topic, t, rnd));
            case 7, 8: {
                JsonNode[] versions = {NODES.numberNode(0), NODES.numberNode(2), NODES.numberNode(-1),
                    NODES.numberNode(Integer.MAX_VALUE), NODES.numberNode(Long.MAX_VALUE), NODES.textNode("1"),
                    NODES.numberNode(1.0), NODES.numberNode(1.5), NODES.nullNode(), NODES.booleanNode(true),
                    NODES.arrayNode().add(1), NODES.objectNode()};
                if (rnd.nextInt(versions.length + 1) == 0) {
                    t.remove("schemaVersion");
                } else {
                    t.set("schemaVersion", versions[rnd.nextInt(versions.length)]);
                }
                return new Fuzzed("wrong-version", bytes(t));
            }
            default:
                return new Fuzzed("bad-content", bytes(badContent(topic, t, rnd)));
        }
    }

    /** Random bytes that are not a JSON object (the only thing that could decode). */
    private static byte[] notAnObject(Random rnd) {
        while (true) {
            byte[] b = randomBytes(rnd, rnd.nextInt(3000));
            try {
                JsonNode n = JSON.readTree(b);
                if (n == null || !n.isObject()) {
                    return b;
                }
            } catch (IOException notJson) {
                return b;
            }
        }
    }

    private static ObjectNode wrongType(String topic, ObjectNode t, Random rnd) {
        List<Function<ObjectNode, ObjectNode>> options = new ArrayList<>();
        options.add(n -> n.set("schemaVersion", NODES.textNode("one")));
        if (!topic.equals(Topics.MODELS_RETRAINED_NAME)) {
            options.add(n -> n.set("jobId", NODES.objectNode().put("id", "x")));
            options.add(n -> n.set("jobId", NODES.arrayNode().add("fuzz")));
        }
        if (topic.equals(Topics.JOBS_NAME)) {
            options.add(n -> n.set("plan", NODES.textNode("crespr")));
            options.add(n -> n.set("plan", NODES.arrayNode().add(1)));
            options.add(n -> n.set("plan", NODES.numberNode(42)));
            options.add(n -> n.set("submittedAt", NODES.textNode("yesterday")));
            options.add(n -> ((ObjectNode) n.get("plan")).set("rounds", NODES.textNode("many")));
            options.add(n -> ((ObjectNode) n.get("plan")).set("targetSparsity", NODES.objectNode()));
        } else if (topic.equals(Topics.MODELS_RETRAINED_NAME)) {
            options.add(n -> n.set("model", NODES.objectNode()));
            options.add(n -> n.set("version", NODES.arrayNode()));
            options.add(n -> n.set("checkpoint", NODES.textNode("a checkpoint")));
            options.add(n -> n.set("checkpoint", NODES.numberNode(7)));
            options.add(n -> n.set("publishedAt", NODES.textNode("now")));
            options.add(n -> ((ObjectNode) n.get("checkpoint")).set("bytes", NODES.textNode("lots")));
        } else {
            options.add(n -> n.set("round", NODES.textNode("two")));
            options.add(n -> n.set("round", NODES.numberNode(1.5)));
            options.add(n -> n.set("rounds", NODES.objectNode()));
            options.add(n -> n.set("plan", NODES.textNode("crespr")));
            options.add(n -> n.set("checkpoint", NODES.textNode("a checkpoint")));
            options.add(n -> n.set("checkpoint", NODES.arrayNode()));
            options.add(n -> n.set("history", NODES.textNode("none")));
            options.add(n -> n.set("submittedAt", NODES.objectNode()));
            options.add(n -> ((ObjectNode) n.get("checkpoint")).set("bytes", NODES.textNode("lots")));
            options.add(n -> ((ObjectNode) n.get("checkpoint")).set("bytes", NODES.numberNode(2.5)));
            options.add(n -> ((ObjectNode) n.get("checkpoint")).set("sha256", NODES.numberNode(12)));
            options.add(n -> ((ObjectNode) n.get("checkpoint")).set("encoding", NODES.arrayNode()));
        }
        return options.get(rnd.nextInt(options.size())).apply(t);
    }

    private static byte[] huge(String topic, ObjectNode t, Random rnd) {
        int size = 100_000 + rnd.nextInt(6_500_000);
        switch (rnd.nextInt(4)) {
            case 0:
                // a job id longer than 128 characters; a model name with no standing plan
                t.put(topic.equals(Topics.MODELS_RETRAINED_NAME) ? "model" : "jobId", "j".repeat(size));
                return bytes(t);
            case 1: {
                // far deeper than any parser should follow
                StringBuilder deep = new StringBuilder();
                int depth = 5000 + rnd.nextInt(50_000);
                deep.append("[".repeat(depth)).append("]".repeat(depth));
                String s = new String(bytes(t), StandardCharsets.UTF_8);
                return (s.substring(0, s.length() - 1) + ",\"deep\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
            }
            case 2:
                t.set(topic.equals(Topics.JOBS_NAME) || topic.equals(Topics.MODELS_RETRAINED_NAME) ? "schemaVersion"
                        : "round", NODES.numberNode(new java.math.BigInteger("9".repeat(11 + rnd.nextInt(900)))));
                return bytes(t);
            default:
                t.put("padding", "p".repeat(size));
                t.put("schemaVersion", 2);
                return bytes(t);
        }
    }

    private ObjectNode badContent(String topic, ObjectNode t, Random rnd) {
        if (topic.equals(Topics.JOBS_NAME)) {
            ObjectNode plan = (ObjectNode) t.get("plan");
            switch (rnd.nextInt(7)) {
                case 0 -> plan.put("scorer", "taylor");
                case 1 -> plan.put("dataset", "no-such-dataset");
                case 2 -> plan.put("rounds", 0);
                case 3 -> plan.put("targetSparsity", 1.5);
                case 4 -> plan.put("arch", "mlp:" + "9".repeat(40));
                case 5 -> plan.set("evaluators", NODES.arrayNode());
                default -> t.put("jobId", "../../etc/passwd");
            }
            return t;
        }
        if (topic.equals(Topics.MODELS_RETRAINED_NAME)) {
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    t.remove("checkpoint");
                    t.set("modelZip", JSON.valueToTree(badZips.get(rnd.nextInt(badZips.size()))));
                }
                case 1 -> t.set("checkpoint", JSON.valueToTree(badCheckpoints.get(rnd.nextInt(badCheckpoints.size()))));
                default -> t.put("model", "no-standing-plan-" + rnd.nextInt(1000));
            }
            return t;
        }
        t.set("checkpoint", JSON.valueToTree(badCheckpoints.get(rnd.nextInt(badCheckpoints.size()))));
        return t;
    }

    private static ObjectNode tree(Object event) {
        try {
            return (ObjectNode) JSON.readTree(EventCodec.encode(event));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static Map<String, byte[]> with(Map<String, byte[]> entries, String name, byte[] value) {
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(name, value);
        return m;
    }

    private static byte[] zip(Map<String, byte[]> content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : content.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("[0-9a-f]{64}", "<sha>").replaceAll("\\d+", "N");
        return one.length() > 110 ? one.substring(0, 110) + "…" : one;
    }
}
