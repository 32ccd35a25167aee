package io.crespr.runtime;

import io.micronaut.runtime.Micronaut;

/**
 * Starts a stage service on its own. Its logging configuration has a name of its own
 * ({@code crespr-service-logback.xml}): several services share one classpath in the one-JVM
 * mode, where a second {@code logback.xml} would make logback complain on every start.
 */
public final class StageMain {

    private StageMain() {
    }

    public static void run(Class<?> mainClass, String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "crespr-service-logback.xml");
        }
        Micronaut.build(args).mainClass(mainClass).banner(false).start();
    }
}
