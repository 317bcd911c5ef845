package dev.satchel;

/**
 * The request's session was deleted before the request completed, typically by a logout in a
 * concurrent request. Web adapters answer it with HTTP 400, as Django does.
 */
public class SessionInterruptedException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
