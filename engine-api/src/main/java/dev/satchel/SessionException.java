package dev.satchel;

/**
 * The root of every error Satchel raises on purpose. Each subclass says what happened and what to
 * do about it, so callers can catch the whole family or one precise case.
 */
public class SessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionException(String message) {
        super(message);
    }

    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
