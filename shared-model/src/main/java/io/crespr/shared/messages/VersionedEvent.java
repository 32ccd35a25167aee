package io.crespr.shared.messages;

/** A JSON event with a schema version; readers refuse versions they do not know. */
public interface VersionedEvent {

    /** The schema version this build writes and reads. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();
}
