package io.crespr.shared.messages;

/**
 * A new version of a model trained elsewhere, published to {@code crespr.models.retrained.v1}
 * (key: the model name). training-service starts a job with the standing plan configured for
 * the model name and skips dense training: the version is the dense model.
 *
 * <pre>
 * {"schemaVersion": 1, "model": "digits", "version": "7",
 *  "modelZip": {"format": "dl4j-zip", "encoding": "store", "uri": "file:///models/digits-7.zip",
 *               "sha256": "…", "bytes": 1067008}}
 * </pre>
 *
 * @param schemaVersion {@value VersionedEvent#SCHEMA_VERSION}
 * @param model         the model name; selects the standing plan
 * @param version       the version, named in the job's result
 * @param checkpoint    a CRESPR checkpoint (inline or claim check), or
 * @param modelZip      a DL4J {@code ModelSerializer} zip (claim check); exactly one of the two
 * @param publishedAt   epoch milliseconds, optional
 */
public record ModelRetrained(int schemaVersion, String model, String version, PayloadRef checkpoint,
        PayloadRef modelZip, Long publishedAt) implements VersionedEvent {

    public ModelRetrained {
        if (model == null || model.isBlank() || version == null || version.isBlank()) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT,
                    "ModelRetrained needs a model name and a version, got model=" + model + ", version=" + version);
        }
        if ((checkpoint == null) == (modelZip == null)) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT,
                    "ModelRetrained needs exactly one of checkpoint and modelZip");
        }
    }

    /** The job this version starts. */
    public String jobId() {
        return JobIds.forModel(model, version);
    }

    public ModelVersion modelVersion() {
        return new ModelVersion(model, version);
    }
}
