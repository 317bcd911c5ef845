package dev.satchel;

/**
 * A save that had to update an existing record found it gone (deleted, expired or changed by a
 * concurrent request). The middleware turns it into {@link SessionInterruptedException}.
 */
public class UpdateException extends SessionException {
    private static final long serialVersionUID = 1L;

    public UpdateException(String message) {
        super(message);
    }
}
