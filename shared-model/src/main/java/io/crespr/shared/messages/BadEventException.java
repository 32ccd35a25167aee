package io.crespr.shared.messages;

import io.crespr.shared.InvalidInputException;

/**
 * A record a stage cannot process whatever it retries: it goes to the dead-letter topic and
 * its job is marked FAILED with this message.
 */
public class BadEventException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the record. */
    public enum Problem {
        MALFORMED_JSON, UNKNOWN_SCHEMA_VERSION, INVALID_EVENT, MISSING_CHECKPOINT, CHECKPOINT_HASH_MISMATCH,
        CHECKPOINT_DOES_NOT_FIT, OVERSIZED_INLINE_CHECKPOINT, OVERSIZED_PAYLOAD
    }

    private final Problem problem;

    public BadEventException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public BadEventException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
