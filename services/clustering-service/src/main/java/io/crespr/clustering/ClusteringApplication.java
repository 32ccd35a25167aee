package io.crespr.clustering;

import io.crespr.runtime.StageMain;

/** clustering-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class ClusteringApplication {

    private ClusteringApplication() {
    }

    public static void main(String[] args) {
        StageMain.run(ClusteringApplication.class, args);
    }
}
