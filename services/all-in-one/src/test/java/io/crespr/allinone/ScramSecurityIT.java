package io.crespr.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.messages.JobCompleted;
import io.crespr.shared.messages.KafkaLimits;
import io.crespr.shared.stage.Plans;
import io.crespr.shared.stage.PruningPlan;
import io.crespr.shared.stage.StageSteps;
import io.crespr.testkit.PipelineFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The services and the command line against a broker whose listener requires SASL/SCRAM-SHA-256:
 * a job completes with the right credentials, the command line refuses wrong ones with one line,
 * and the password appears in no log line and no output.
 */
class ScramSecurityIT {

    @Test
    void aJobRunsThroughABrokerThatRequiresScramAndThePasswordIsNeverLogged(@TempDir Path dir) throws Exception {
        String password = "pw-" + UUID.randomUUID();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger kafka = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level kafkaLevel = kafka.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        // Kafka's clients print their whole configuration at INFO: let them, to see it hidden.
        kafka.setLevel(Level.INFO);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithScram(KafkaLimits.defaults().broker(),
                "crespr-it", password)) {
            // given client settings from a file, as a user would give them
            String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"crespr-it\" "
                    + "password=\"%s\";";
            Path good = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\n"
                    + "sasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=" + jaas.formatted(password) + "\n");
            Path bad = Files.writeString(dir.resolve("wrong.properties"), "security.protocol=SASL_PLAINTEXT\n"
                    + "sasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=" + jaas.formatted("not-" + password) + "\n");
            Map<String, Object> security = io.crespr.runtime.KafkaClientSecurity.settings(good, Map.of());
            Map<String, Object> settings = new HashMap<>();
            security.forEach((k, v) -> settings.put("kafka." + k, v));
            settings.put("crespr.partitions", "1");

            // when the five services and a client use the SCRAM listener
            String servers = broker.saslBootstrapServers();
            JobCompleted done;
            try (StreamingPipeline pipeline = StreamingPipeline.start(servers, dir.resolve("store"), settings);
                    JobClient client = new JobClient(servers, security, KafkaLimits.defaults())) {
                PruningPlan p = Plans.build(PipelineFixtures.tinyPlan(), null);
                int rounds = new StageSteps(p, Datasets.load(p.dataset(), null, p.seed())).rounds();
                try (JobClient.Watch watch = client.watch("scram-job")) {
                    client.submit("scram-job", Plans.toMap(p), rounds);
                    done = watch.await(Duration.ofSeconds(120), s -> { });
                }

                // then the job completes, and the command line reads its status with the same file
                assertThat(done.achievedSparsity()).isGreaterThan(0.89);
                Cli.Result ok = Cli.run(List.of("status", "scram-job", "--bootstrap-servers", servers,
                        "--kafka-config", good.toString()));
                assertThat(ok.code()).as(ok.err()).isZero();
                assertThat(ok.out()).contains("COMPLETED");

                // and wrong credentials get one line, exit 2
                Cli.Result refused = Cli.run(List.of("status", "scram-job", "--bootstrap-servers", servers,
                        "--kafka-config", bad.toString()));
                assertThat(refused.code()).isEqualTo(2);
                assertThat(refused.err().strip()).startsWith("error: ").contains("Authentication failed")
                        .contains("the Kafka cluster refused the credentials: check --kafka-config FILE")
                        .doesNotContain("\n");
                // and the load generator submits and follows its jobs through the same listener
                Cli.Result load = Cli.run(List.of("load-test", "--scenario", "smoke", "--quiet", "--bootstrap-servers",
                        servers, "--kafka-config", good.toString(), "--out", dir.resolve("load").toString()));
                assertThat(load.code()).as(load.out() + load.err()).isZero();
                assertThat(load.out()).contains("completed 3");
                assertThat(ok.out() + ok.err() + refused.out() + refused.err() + load.out() + load.err())
                        .doesNotContain(password);
            }
        } finally {
            kafka.setLevel(kafkaLevel);
            root.detachAppender(logged);
        }

        // and the password is in no log line, while the clients did log their (hidden) JAAS setting
        List<String> lines = logged.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(password));
    }
}
