package io.crespr.shared.data;

import java.io.IOException;

/**
 * {@link DataFetcher} could not obtain a dataset: a tool it runs is missing or failed, or
 * what it downloaded does not match the known checksums. The message is one line that says
 * what failed and what to do about it.
 */
public class DataFetchException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A failure described by a one-line {@code message}. */
    public DataFetchException(String message) {
        super(message);
    }

    /** A failure described by a one-line {@code message}, caused by {@code cause}. */
    public DataFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
