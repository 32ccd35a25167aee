package io.crespr.runtime;

import io.crespr.shared.InvalidInputException;

/** How a failure reads in a job's FAILED status and in a dead letter's headers: one line. */
public final class Failures {

    private Failures() {
    }

    /** The exception that says what went wrong, below wrappers that only carry it. */
    public static Throwable rootOf(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur
                && (cur.getClass().getName().startsWith("io.micronaut") || cur instanceof java.util.concurrent.ExecutionException
                        || cur instanceof java.util.concurrent.CompletionException || cur instanceof java.lang.reflect.InvocationTargetException)) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** Bad input: no retry can fix it. */
    public static boolean isBadInput(Throwable t) {
        return rootOf(t) instanceof InvalidInputException;
    }

    /**
     * The most characters of a reason: a record can quote megabytes of itself in its error (a
     * job id of a million characters), and the reason goes into the job's status and the dead
     * letter's headers, which must still fit a Kafka record.
     */
    public static final int MAX_REASON_CHARS = 1000;

    /**
     * One line of at most {@value #MAX_REASON_CHARS} characters: the message of bad input as it
     * is; otherwise the exception's simple name and message.
     */
    public static String reason(Throwable t) {
        Throwable r = rootOf(t);
        String msg = r.getMessage() == null ? "" : r.getMessage().lines().findFirst().orElse("");
        String reason = r instanceof InvalidInputException ? msg
                : r.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
        return reason.length() <= MAX_REASON_CHARS ? reason
                : reason.substring(0, MAX_REASON_CHARS - 30) + "… (" + reason.length() + " characters)";
    }
}
