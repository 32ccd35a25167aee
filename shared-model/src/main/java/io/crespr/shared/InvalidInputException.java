package io.crespr.shared;

/**
 * Bad input from a user or a file: a malformed dataset, a corrupt checkpoint, an impossible
 * plan setting, an unknown plugin. The message is one line that names the problem and the
 * bad value, so a command line can print it as it is.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
