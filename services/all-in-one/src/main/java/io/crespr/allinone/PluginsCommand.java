package io.crespr.allinone;

import io.crespr.shared.spi.Allocator;
import io.crespr.shared.spi.Clusterer;
import io.crespr.shared.spi.Evaluator;
import io.crespr.shared.spi.Plugin;
import io.crespr.shared.spi.Plugins;
import io.crespr.shared.spi.Pruner;
import io.crespr.shared.spi.Schedule;
import io.crespr.shared.spi.Scorer;
import io.crespr.shared.spi.Trainer;
import io.crespr.shared.stage.Methods;
import java.util.List;
import picocli.CommandLine.Command;

/** Lists the plugins found on the classpath and the method presets. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the stage plugins found on the classpath and the --method presets.")
final class PluginsCommand implements Runnable {

    @Override
    public void run() {
        for (Class<? extends Plugin> spi : List.of(Trainer.class, Clusterer.class, Scorer.class, Pruner.class,
                Allocator.class, Schedule.class, Evaluator.class)) {
            // Headings are the plan keys and --option prefixes.
            System.out.println((spi == Allocator.class ? "allocation" : Plugins.stageName(spi)) + ":");
            Plugins.all(spi).values().forEach(p -> System.out.printf("  %-18s %s%s%n", p.name(), p.description(),
                    p.optionNames().isEmpty() ? "" : " [options: " + String.join(", ",
                            new java.util.TreeSet<>(p.optionNames())) + "]"));
        }
        System.out.println("methods: " + String.join(", ", Methods.names()));
    }
}
