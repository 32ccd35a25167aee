package io.crespr.shared.stage;

/** Progress of a running pipeline, for progress bars and logs. All methods default to nothing. */
public interface PipelineListener {

    PipelineListener NONE = new PipelineListener() { };

    /** A stage starts: {@code train}, {@code cluster}, {@code score}, {@code prune}, {@code fine-tune}, {@code evaluate}. */
    default void stageStarted(String stage, int round, int rounds) {
    }

    /** One training minibatch done; {@code total} is the whole job's count. */
    default void iterationDone(long done, long total) {
    }

    default void roundDone(RoundResult result) {
    }
}
