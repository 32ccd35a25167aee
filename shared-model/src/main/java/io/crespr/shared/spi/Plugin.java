package io.crespr.shared.spi;

/**
 * What every stage plugin has: a name a plan picks it by and a one-line description. Plugins
 * are found with {@link java.util.ServiceLoader}; a jar on the classpath with a
 * {@code META-INF/services} entry adds one without touching the services.
 */
public interface Plugin {

    /** The name a plan uses, lower-case kebab ({@code magnitude}, {@code cubic}). */
    String name();

    /** One line for {@code --help} and listings. */
    String description();
}
