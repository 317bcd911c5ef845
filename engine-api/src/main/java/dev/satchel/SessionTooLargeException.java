package dev.satchel;

/**
 * The encoded session is larger than the engine can store (a cookie over 4096 bytes, an item over
 * the cache's limit). Nothing was written, and the previous version stays valid; store less data.
 */
public class SessionTooLargeException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionTooLargeException(String message) {
        super(message);
    }
}
