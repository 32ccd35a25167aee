package io.crespr.allinone;

import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.CheckpointCodec;
import io.crespr.shared.model.Dl4jModels;
import io.crespr.shared.model.Mask;
import io.crespr.shared.model.ParamTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Inspecting checkpoints and moving them to and from DL4J's model zip. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Inspect a checkpoint, or convert between checkpoints and DL4J model zips.",
        subcommands = {CheckpointCommand.Inspect.class, CheckpointCommand.Export.class, CheckpointCommand.Import.class})
final class CheckpointCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Verify a checkpoint's hash and print its layers, sparsity, modules and provenance.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            Checkpoint c = CheckpointCodec.load(file);
            System.out.printf(Locale.ROOT, "%s: %s, %d bytes, id %s, sha256 %s%n", file.getFileName(), c.architecture(),
                    Files.size(file), c.id(), CheckpointCodec.contentHash(c));
            for (ParamTensor p : c.params()) {
                Mask m = c.masks().get(p.name());
                System.out.printf(Locale.ROOT, "  %-5s %-16s %8d values%s%n", p.name(), Arrays.toString(p.shape()),
                        p.size(), m == null ? "" : String.format(Locale.ROOT, ", sparsity %.6f", m.sparsity()));
            }
            System.out.printf(Locale.ROOT, "  total sparsity %.6f, modules %d%n", c.sparsity(), c.modules().k());
            var p = c.provenance();
            System.out.printf(Locale.ROOT, "  made by stage %s, round %d, from %s; dataset %s, seed %d, %s%n", p.stage(),
                    p.round(), p.parentId() == null ? "a fresh network" : "checkpoint " + p.parentId(), p.dataset(),
                    p.seed(), p.createdAt());
            System.out.println("  versions: " + p.versions());
            // Consecutive identical steps (one per round) print once with a count.
            String previous = null;
            int repeat = 0;
            for (var ref : p.plugins()) {
                String line = ref.stage() + " " + ref.name() + " " + ref.options();
                if (line.equals(previous)) {
                    repeat++;
                    continue;
                }
                if (previous != null) {
                    System.out.println("    " + previous + (repeat > 1 ? "  ×" + repeat : ""));
                }
                previous = line;
                repeat = 1;
            }
            if (previous != null) {
                System.out.println("    " + previous + (repeat > 1 ? "  ×" + repeat : ""));
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a checkpoint as a DL4J model zip.")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHECKPOINT")
        Path in;

        @Parameters(index = "1", paramLabel = "ZIP")
        Path out;

        @Override
        public Integer call() {
            Dl4jModels.export(CheckpointCodec.load(in), out);
            System.out.println("wrote " + out);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read a DL4J model zip into a checkpoint (exact zeros become pruned weights).")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ZIP")
        Path in;

        @Parameters(index = "1", paramLabel = "CHECKPOINT")
        Path out;

        @Option(names = "--dataset", defaultValue = "unknown", description = "dataset the model was trained on")
        String dataset;

        @Override
        public Integer call() {
            CheckpointCodec.save(Dl4jModels.importZip(in, dataset), out);
            System.out.println("wrote " + out);
            return 0;
        }
    }
}
