package dev.satchel;

/**
 * A save that had to create a new record found the key already taken. {@link Session#create()}
 * handles it by drawing another key; engines throw it, applications rarely see it.
 */
public class CreateException extends SessionException {
    private static final long serialVersionUID = 1L;

    public CreateException(String message) {
        super(message);
    }
}
