package dev.satchel;

/**
 * Input that looks like an attack: a session key with characters outside {@code [a-z0-9]}, a path
 * trick, an oversized value. Refused before it reaches a store.
 */
public class SuspiciousSessionException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SuspiciousSessionException(String message) {
        super(message);
    }
}
