package dev.satchel;

/**
 * A value whose signature checked out (or that was never signed) could not be decoded: bad base64,
 * corrupt or oversized compressed data, JSON that is invalid or beyond the decoder's limits. It is a
 * {@link BadSignatureException} so that one catch covers every value that must not be trusted.
 */
public class MalformedPayloadException extends BadSignatureException {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message);
    }

    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
