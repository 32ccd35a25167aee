package io.crespr.hessian;

import io.micronaut.runtime.Micronaut;

/** hessian-service on its own: {@code KAFKA_BOOTSTRAP_SERVERS} names the cluster. */
public final class HessianApplication {

    private HessianApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(HessianApplication.class).banner(false).start();
    }
}
