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

    /** One line: the message of bad input as it is; otherwise the exception's simple name and message. */
    public static String reason(Throwable t) {
        Throwable r = rootOf(t);
        String msg = r.getMessage() == null ? "" : r.getMessage().lines().findFirst().orElse("");
        if (r instanceof InvalidInputException) {
            return msg;
        }
        return r.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
}
