package dev.satchel;

/**
 * A signed value failed verification: the signature does not match under the current key or any
 * fallback key, or the value is not in the signed format at all. Never trust such a value.
 */
public class BadSignatureException extends SessionException {
    private static final long serialVersionUID = 1L;

    public BadSignatureException(String message) {
        super(message);
    }

    public BadSignatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
