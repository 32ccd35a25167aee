package io.crespr.evaluation;

import io.micronaut.runtime.Micronaut;

/** evaluation-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class EvaluationApplication {

    private EvaluationApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(EvaluationApplication.class).banner(false).start();
    }
}
