package io.crespr.allinone;

import io.crespr.embedded.EmbeddedKafkaBroker;
import io.crespr.shared.messages.KafkaLimits;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** The in-process broker on its own, for running the stage services as separate processes on one machine. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a single-node Apache Kafka broker (KRaft, loopback, temporary log directory) with the "
            + "pipeline's size limits, print its address, and run until interrupted. For trying the services apart; "
            + "not a production cluster.")
final class BrokerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(KafkaLimits.defaults().broker());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-stop"));
        System.out.println("Kafka broker (KRaft) at " + broker.bootstrapServers() + "; Ctrl-C stops it and deletes its log");
        stopped.await();
        return 0;
    }
}
