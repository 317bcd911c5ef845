package dev.satchel;

/** The signature is valid but older than the maximum age the caller allowed. */
public class SignatureExpiredException extends BadSignatureException {
    private static final long serialVersionUID = 1L;

    public SignatureExpiredException(String message) {
        super(message);
    }
}
