package io.crespr.shared.model;

import java.util.List;
import java.util.Map;

/**
 * How a checkpoint was made, enough to make it again: its parent, the stage that produced it,
 * every plugin with its options, the dataset, the seed, the round of the pruning schedule, and
 * the versions of the libraries and the JVM.
 *
 * @param parentId  the id of the checkpoint this one was made from, or {@code null} for a fresh network
 * @param stage     the stage that wrote it ({@code init}, {@code train}, {@code prune}, {@code fine-tune}, {@code import}, …)
 * @param plugins   every plugin along the way, in order
 * @param dataset   the dataset name
 * @param seed      the plan's seed
 * @param round     the pruning round (0 for dense)
 * @param versions  library and JVM versions ({@code crespr}, {@code dl4j}, {@code java})
 * @param createdAt ISO-8601 instant
 */
public record Provenance(String parentId, String stage, List<PluginRef> plugins, String dataset, long seed,
        int round, Map<String, String> versions, String createdAt) {

    public Provenance {
        plugins = List.copyOf(plugins);
        versions = Map.copyOf(versions);
    }
}
