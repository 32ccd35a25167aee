package io.crespr.shared.spi;

import io.crespr.shared.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds stage plugins by name with {@link ServiceLoader}. An unknown name is an error that lists
 * the names that exist.
 */
public final class Plugins {

    private static final Map<Class<?>, Map<String, ? extends Plugin>> CACHE = new ConcurrentHashMap<>();

    private Plugins() {
    }

    /** The plugins of one stage, by name, sorted. */
    @SuppressWarnings("unchecked")
    public static <T extends Plugin> Map<String, T> all(Class<T> spi) {
        return (Map<String, T>) CACHE.computeIfAbsent(spi, s -> {
            Map<String, T> byName = new TreeMap<>();
            for (T p : ServiceLoader.load(spi, Plugins.class.getClassLoader())) {
                T previous = byName.putIfAbsent(p.name(), p);
                if (previous != null && previous.getClass() != p.getClass()) {
                    throw new IllegalStateException("two " + stageName(spi) + " plugins are named '" + p.name()
                            + "': " + previous.getClass().getName() + " and " + p.getClass().getName());
                }
            }
            return java.util.Collections.unmodifiableMap(byName);
        });
    }

    public static <T extends Plugin> T get(Class<T> spi, String name) {
        Map<String, T> all = all(spi);
        T p = all.get(name);
        if (p == null) {
            throw new InvalidInputException("unknown " + stageName(spi) + " plugin '" + name + "'; known: "
                    + String.join(", ", all.keySet()));
        }
        return p;
    }

    public static List<String> names(Class<? extends Plugin> spi) {
        return List.copyOf(all(spi).keySet());
    }

    /** "scorer" for Scorer.class, used in messages and plan keys. */
    public static String stageName(Class<?> spi) {
        return spi.getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
