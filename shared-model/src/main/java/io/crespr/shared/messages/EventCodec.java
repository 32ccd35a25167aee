package io.crespr.shared.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.crespr.shared.InvalidInputException;
import io.crespr.shared.stage.RoundResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON of the pipeline's events: UTF-8, one object per record, readable with Kafka's console
 * consumer. Reading checks, in order: the bytes are a JSON object ({@code MALFORMED_JSON}), its
 * {@code schemaVersion} is one this build reads ({@code UNKNOWN_SCHEMA_VERSION}), and it fits the
 * event type ({@code INVALID_EVENT}); each failure is a {@link BadEventException} with one line.
 *
 * <p>Doubles round-trip exactly (shortest decimal form); NaN and infinities, which JSON has not,
 * are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} and read
 * back as numbers, metrics maps included.
 */
public final class EventCodec {

    private static final ObjectMapper JSON = mapper();

    private EventCodec() {
    }

    private static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("crespr-events");
        m.addDeserializer(RoundResult.class, new RoundResultDeserializer());
        return new ObjectMapper()
                .registerModule(m)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // a round of 2.5 is a broken event, not round 2
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** The event as UTF-8 JSON. */
    public static byte[] encode(Object event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Reads an event of the given type; see the class comment for the checks. */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        JsonNode tree = tree(bytes, type.getSimpleName());
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()
                || version.intValue() != VersionedEvent.SCHEMA_VERSION) {
            throw new BadEventException(BadEventException.Problem.UNKNOWN_SCHEMA_VERSION, "unknown schemaVersion "
                    + (version == null ? "(none)" : version.toString()) + " in " + type.getSimpleName()
                    + "; this build reads " + VersionedEvent.SCHEMA_VERSION);
        }
        try {
            return JSON.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidInputException iie) {
                    throw iie;
                }
            }
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, type.getSimpleName()
                    + " does not fit its schema: " + firstLine(why), e);
        }
    }

    /**
     * Fields of a record that may not decode, for dead letters, failure statuses and metrics: job
     * id, round, and the length of the checkpoint it carries ({@code checkpointBytes}).
     */
    public static Map<String, Object> peek(byte[] bytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (tree != null && tree.isObject()) {
                for (String f : List.of("jobId", "round", "rounds", "model", "version")) {
                    JsonNode v = tree.get(f);
                    if (v != null && v.isValueNode()) {
                        out.put(f, v.isInt() ? (Object) v.asInt() : v.asText());
                    }
                }
                JsonNode checkpoint = tree.get("checkpoint");
                if (checkpoint != null && checkpoint.isObject() && checkpoint.path("bytes").canConvertToLong()) {
                    out.put("checkpointBytes", checkpoint.get("bytes").asLong());
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to peek at in a record that is not JSON
        }
        return out;
    }

    /** A generic map, for people and tests. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(Object event) {
        return JSON.convertValue(event, Map.class);
    }

    private static JsonNode tree(byte[] bytes, String what) {
        JsonNode tree;
        try {
            tree = bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BadEventException(BadEventException.Problem.MALFORMED_JSON, "malformed JSON in " + what + " record: "
                    + firstLine(why), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new BadEventException(BadEventException.Problem.MALFORMED_JSON, "malformed JSON in " + what
                    + " record: expected an object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        return tree;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Reads a RoundResult and turns "NaN" and the infinities back into numbers, in nested metrics too. */
    private static final class RoundResultDeserializer extends StdDeserializer<RoundResult> {
        private static final long serialVersionUID = 1L;

        RoundResultDeserializer() {
            super(RoundResult.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        public RoundResult deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = p.readValueAsTree();
            Map<String, Object> metrics = n.has("metrics")
                    ? (Map<String, Object>) restore(JSON.convertValue(n.get("metrics"), Map.class)) : Map.of();
            Map<String, Double> seconds = new LinkedHashMap<>();
            if (n.has("seconds")) {
                n.get("seconds").fields().forEachRemaining(e -> seconds.put(e.getKey(), number(e.getValue())));
            }
            if (!n.has("round")) {
                throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "a round result names no round");
            }
            return new RoundResult(n.get("round").asInt(), number(n.get("scheduledSparsity")), number(n.get("sparsity")),
                    number(n.get("testAccuracy")), number(n.get("validationAccuracy")), metrics, seconds);
        }

        private static double number(JsonNode v) {
            if (v == null || v.isNull()) {
                return Double.NaN;
            }
            if (v.isTextual()) {
                return Double.parseDouble(v.asText());
            }
            return v.asDouble();
        }

        private static Object restore(Object v) {
            if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
                return Double.parseDouble(s);
            }
            if (v instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), restore(x)));
                return out;
            }
            if (v instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(x -> out.add(restore(x)));
                return out;
            }
            return v;
        }
    }
}
