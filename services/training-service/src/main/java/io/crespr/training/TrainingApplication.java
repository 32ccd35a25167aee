package io.crespr.training;

import io.crespr.runtime.StageMain;

/** training-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class TrainingApplication {

    private TrainingApplication() {
    }

    public static void main(String[] args) {
        StageMain.run(TrainingApplication.class, args);
    }
}
