package io.crespr.shared.streaming;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Datasets by name and seed, loaded once per process: the data never travels over Kafka, every
 * stage loads it by the name in the plan. Keeps the few most recently used splits.
 */
public final class DataCache {

    private static final int KEEP = 4;

    private final Path dataDir;
    private final Map<String, DataSplit> splits = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DataSplit> eldest) {
            return size() > KEEP;
        }
    };

    /** @param dataDir where fetched datasets live; mnist-mini and synthetic need none */
    public DataCache(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Hands over a split loaded elsewhere (the one-JVM mode loads the job's data once for everyone). */
    public synchronized void put(String dataset, long seed, DataSplit split) {
        splits.put(dataset + "@" + seed, split);
    }

    public synchronized DataSplit get(String dataset, long seed) {
        return splits.computeIfAbsent(dataset + "@" + seed, k -> Datasets.load(dataset, dataDir, seed));
    }
}
