package mrisr.sr;

/**
 * Bad input from the user (a malformed file, a wrong option value, an impossible size). The CLI
 * prints its message on one line and exits with code 2.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
