package io.crespr.runtime;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client security (SASL/SCRAM, TLS) of a command-line client, from the environment — the
 * same variables the services read ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM},
 * {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_*}) — or from a client properties file, which
 * wins. Never from a flag's value, which would sit in the shell's history and the process list.
 */
public final class KafkaClientSecurity {

    /** Client settings the environment may carry, as {@code KAFKA_} + the name in capitals with {@code _}. */
    public static final List<String> FROM_ENVIRONMENT = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "ssl.keystore.location",
            "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password", "ssl.endpoint.identification.algorithm");

    /** The description of a command's {@code --kafka-config} flag. */
    public static final String FLAG_DESCRIPTION = "Kafka client properties (security.protocol, sasl.mechanism, "
            + "sasl.jaas.config, ssl.*); default: the KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, "
            + "KAFKA_SASL_JAAS_CONFIG and KAFKA_SSL_* environment variables";

    private KafkaClientSecurity() {
    }

    /**
     * The client settings: the environment's, then the file's on top.
     *
     * @param file a Kafka client properties file ({@code --kafka-config}); null for none
     * @param env  the environment
     * @throws InvalidInputException when the file cannot be read or names the cluster itself
     */
    public static Map<String, Object> settings(Path file, Map<String, String> env) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : FROM_ENVIRONMENT) {
            String value = env.get("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            if (value != null && !value.isBlank()) {
                m.put(key, value);
            }
        }
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidInputException("cannot read --kafka-config " + file + ": " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
            if (m.containsKey("bootstrap.servers")) {
                throw new InvalidInputException("--kafka-config " + file + " sets bootstrap.servers: give the cluster "
                        + "with --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) instead");
            }
        }
        return m;
    }
}
