package io.crespr.evaluation;

import io.crespr.runtime.StageMain;

/** evaluation-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class EvaluationApplication {

    private EvaluationApplication() {
    }

    public static void main(String[] args) {
        StageMain.run(EvaluationApplication.class, args);
    }
}
