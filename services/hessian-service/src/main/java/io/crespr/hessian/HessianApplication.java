package io.crespr.hessian;

import io.crespr.runtime.StageMain;

/** hessian-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class HessianApplication {

    private HessianApplication() {
    }

    public static void main(String[] args) {
        StageMain.run(HessianApplication.class, args);
    }
}
