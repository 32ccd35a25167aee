package io.crespr.allinone.ops;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Helm 3 through helm-java, in a class loader of its own: helm-java needs JNA 5, and the test
 * class path puts DL4J's JNA 4 first. Its jars are taken from the test class path.
 */
final class IsolatedHelm {

    /** Paths of the jars helm-java needs, as they appear in a Maven repository. */
    private static final List<String> JARS = List.of(
            "/com/marcnuri/helm-java/", "/net/java/dev/jna/jna-jpms/", "/net/java/dev/jna/jna-platform-jpms/");

    private static ClassLoader loader;

    /** What {@code helm lint} found. */
    record Lint(boolean failed, List<String> messages) {
    }

    /** {@code helm template} failed; the message is Helm's. */
    static final class HelmException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelmException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private IsolatedHelm() {
    }

    /** {@code helm lint --strict <chart>}. */
    static Lint lint(Path chart) {
        Object helm = helm(chart);
        Object command = call(helm, "lint");
        command = call(command, "strict");
        Object result = call(command, "call");
        boolean failed = (Boolean) call(result, "isFailed");
        @SuppressWarnings("unchecked")
        List<String> messages = (List<String>) call(result, "getMessages");
        return new Lint(failed, List.copyOf(messages));
    }

    /** {@code helm template crespr-stream <chart> [-f values]... [--set k=v]...}: the rendered YAML. */
    static String template(Path chart, List<Path> valuesFiles, Map<String, String> sets) {
        Object command = call(helm(chart), "template");
        command = call(command, "withName", String.class, "crespr-stream");
        for (Path values : valuesFiles) {
            command = call(command, "withValuesFile", Path.class, values);
        }
        for (Map.Entry<String, String> e : sets.entrySet()) {
            command = invoke(command, "set", new Class<?>[] {String.class, Object.class}, e.getKey(), e.getValue());
        }
        return (String) call(command, "call");
    }

    private static Object helm(Path chart) {
        try {
            Class<?> helm = Class.forName("com.marcnuri.helm.Helm", true, loader());
            return helm.getConstructor(Path.class).newInstance(chart);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create com.marcnuri.helm.Helm", e);
        }
    }

    private static Object call(Object target, String name) {
        return invoke(target, name, new Class<?>[0]);
    }

    private static Object call(Object target, String name, Class<?> type, Object arg) {
        return invoke(target, name, new Class<?>[] {type}, arg);
    }

    private static Object invoke(Object target, String name, Class<?>[] types, Object... args) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // helm-java finds its native library with the context class loader's ServiceLoader.
        thread.setContextClassLoader(loader());
        try {
            Method m = target.getClass().getMethod(name, types);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new HelmException(String.valueOf(cause.getMessage()).strip(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("helm-java has no " + name + " on " + target.getClass().getName(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static synchronized ClassLoader loader() {
        if (loader == null) {
            List<URL> urls = new ArrayList<>();
            String classPath = System.getProperty("java.class.path", "");
            for (String entry : classPath.split(File.pathSeparator)) {
                String normalised = entry.replace(File.separatorChar, '/');
                if (JARS.stream().anyMatch(normalised::contains)) {
                    try {
                        urls.add(Path.of(entry).toUri().toURL());
                    } catch (MalformedURLException e) {
                        throw new IllegalStateException(entry, e);
                    }
                }
            }
            if (urls.size() < 4) {
                throw new IllegalStateException("helm-java, its native library and JNA 5 are not all on the test class path "
                        + "(found " + urls + "); they are test dependencies of services/all-in-one");
            }
            loader = new URLClassLoader("helm-java", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }
}
