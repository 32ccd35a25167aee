package io.crespr.allinone;

import io.crespr.runtime.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --kafka-config FILE}: Kafka client security of the command line (see {@link KafkaClientSecurity}). */
final class KafkaSecurityOptions {

    @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaClientSecurity.FLAG_DESCRIPTION)
    Path file;

    /** The client settings: the environment's, then the file's on top. */
    Map<String, Object> settings() {
        return KafkaClientSecurity.settings(file, System.getenv());
    }
}
