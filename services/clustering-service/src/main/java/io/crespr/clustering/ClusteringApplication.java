package io.crespr.clustering;

import io.micronaut.runtime.Micronaut;

/** clustering-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class ClusteringApplication {

    private ClusteringApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ClusteringApplication.class).banner(false).start();
    }
}
