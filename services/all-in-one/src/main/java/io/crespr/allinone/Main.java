package io.crespr.allinone;

import io.crespr.loadtest.LoadTestCommand;
import io.crespr.shared.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crespr} command line. */
@Command(name = "crespr", mixinStandardHelpOptions = true, version = "crespr 0.1.0",
        description = "Prunes neural networks to extreme sparsity with CRESPR and its baselines.",
        subcommands = {PruneCommand.class, RunCommand.class, SubmitCommand.class, StatusCommand.class, BenchCommand.class, FetchDataCommand.class, CheckpointCommand.class, InferCommand.class, InferBenchCommand.class,
                PluginsCommand.class, TransportBenchCommand.class, BrokerCommand.class, LoadTestCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code: 0 ok, 2 bad input, 1 anything else. */
    public static int execute(String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        // Every subcommand has --version (from mixinStandardHelpOptions): it prints the tool's version.
        String[] version = cl.getCommandSpec().version();
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(version));
        // A flag that does not parse is bad input like any other: one line and a pointer to --help.
        cl.setParameterExceptionHandler((ex, given) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage().lines().findFirst().orElse("")
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            Throwable t = ex;
            while (t != null && !(t instanceof InvalidInputException)) {
                t = t.getCause();
            }
            if (t != null) {
                err.println("error: " + t.getMessage());
                err.flush();
                return 2;
            }
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof org.apache.kafka.common.errors.AuthenticationException auth) {
                    // Wrong or missing credentials are the user's input too (and never echoed here).
                    err.println("error: " + auth.getMessage() + " (the Kafka cluster refused the credentials: check "
                            + "--kafka-config FILE or KAFKA_SASL_JAAS_CONFIG)");
                    err.flush();
                    return 2;
                }
            }
            if (ex instanceof java.io.UncheckedIOException io) {
                // A file that cannot be read or written is the user's input too: one line, exit 2.
                err.println("error: " + io.getMessage());
                err.flush();
                return 2;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
