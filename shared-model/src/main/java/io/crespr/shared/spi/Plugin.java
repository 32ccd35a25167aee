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

    /** The option keys this plugin reads; a plan that gives it any other key is rejected. */
    default java.util.Set<String> optionNames() {
        return java.util.Set.of();
    }

    /**
     * Checks a plan's options for this plugin before any work starts: unknown keys here; a plugin
     * with typed options overrides it to parse them too (calling this first).
     */
    default void checkOptions(PluginOptions options) {
        for (String key : options.values().keySet()) {
            if (!optionNames().contains(key)) {
                throw new io.crespr.shared.InvalidInputException("unknown option '" + key + "' for " + name()
                        + (optionNames().isEmpty() ? ", which takes none"
                                : "; known: " + String.join(", ", new java.util.TreeSet<>(optionNames()))));
            }
        }
    }
}
