package io.crespr.shared.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Library and JVM versions, as provenance records them. */
public final class Versions {

    public static final String CRESPR = "0.1.0";
    public static final String DL4J = "1.0.0-M2.1";

    private Versions() {
    }

    public static Map<String, String> current() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("crespr", CRESPR);
        v.put("dl4j", DL4J);
        v.put("java", System.getProperty("java.version"));
        return v;
    }
}
