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
            System.out.println(Plugins.stageName(spi) + ":");
            Plugins.all(spi).values().forEach(p -> System.out.printf("  %-12s %s%n", p.name(), p.description()));
        }
        System.out.println("methods: " + String.join(", ", Methods.names()));
    }
}
