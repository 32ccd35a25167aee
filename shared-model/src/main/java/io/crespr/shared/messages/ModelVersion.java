package io.crespr.shared.messages;

/** A named, versioned model that a job compresses (jobs started by a retrained model). */
public record ModelVersion(String name, String version) {
}
