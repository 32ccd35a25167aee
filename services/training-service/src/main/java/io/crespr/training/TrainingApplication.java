package io.crespr.training;

import io.micronaut.runtime.Micronaut;

/** training-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class TrainingApplication {

    private TrainingApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(TrainingApplication.class).banner(false).start();
    }
}
