package dev.satchel;

/**
 * Another request changed the session since this one loaded it, and the conflict policy gave up:
 * {@link ConflictPolicy#FAIL} at once, {@link ConflictPolicy#MERGE} after its last retry. Nothing of
 * this save was stored. The servlet filter answers it with HTTP 409 by default.
 */
public class SessionConflictException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionConflictException(String message) {
        super(message);
    }
}
