package io.crespr.shared.model;

import java.util.Map;
import java.util.TreeMap;

/** A plugin as provenance records it: the stage, the plugin's name and the options it ran with. */
public record PluginRef(String stage, String name, Map<String, String> options) {
    public PluginRef {
        options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }
}
