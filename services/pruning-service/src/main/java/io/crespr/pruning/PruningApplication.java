package io.crespr.pruning;

import io.micronaut.runtime.Micronaut;

/** pruning-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class PruningApplication {

    private PruningApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(PruningApplication.class).banner(false).start();
    }
}
