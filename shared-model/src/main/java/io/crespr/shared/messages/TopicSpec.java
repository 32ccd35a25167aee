package io.crespr.shared.messages;

/**
 * A topic of the pipeline: its name together with what its key is and the type of its values,
 * so a producer and a consumer that both refer to the spec cannot disagree.
 *
 * @param name        the topic name, {@code crespr.<thing>.v<N>}
 * @param key         what the record key is (the job id, or the model name)
 * @param valueType   the JSON event every value decodes to
 * @param kind        what the topic is for; {@link Kind#STATUS} topics are compacted
 * @param description one line for the README's topic table and for error messages
 */
public record TopicSpec<V>(String name, String key, Class<V> valueType, Kind kind, String description) {

    /** Suffix of a topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    /** What a topic carries, which decides its retention and clean-up policy. */
    public enum Kind {
        /** Requests from outside the pipeline (jobs, retrained models). */
        REQUESTS,
        /** Checkpoints handed from one stage to the next. */
        CHECKPOINTS,
        /** The latest state per key; compacted. */
        STATUS,
        /** Final results. */
        RESULTS
    }

    /** Whether old values of a key are compacted away (only the latest per key is kept). */
    public boolean compacted() {
        return kind == Kind.STATUS;
    }

    /** Whether a stage service consumes it, and so has a dead-letter topic for it. */
    public boolean consumedByStages() {
        return kind == Kind.REQUESTS || kind == Kind.CHECKPOINTS;
    }

    /** {@code <name>.dlt}, where records this topic's consumer cannot process go. */
    public String deadLetterTopic() {
        return name + DEAD_LETTER_SUFFIX;
    }
}
