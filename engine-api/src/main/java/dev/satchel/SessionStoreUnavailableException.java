package dev.satchel;

/**
 * The store behind an engine cannot be reached or did not answer in time. It carries the cause; a
 * failed save is never turned into an empty session silently. Retrying later may succeed.
 */
public class SessionStoreUnavailableException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
