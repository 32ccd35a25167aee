package io.crespr.pruning;

import io.crespr.runtime.StageMain;

/** pruning-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class PruningApplication {

    private PruningApplication() {
    }

    public static void main(String[] args) {
        StageMain.run(PruningApplication.class, args);
    }
}
