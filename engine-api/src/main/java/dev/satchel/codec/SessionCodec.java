package dev.satchel.codec;

import java.util.Map;

/**
 * Turns session data into the string an engine stores and back. The standard codec is Django's
 * signed, compressed, timestamped format ({@link SignedSessionCodec}); an engine may use another
 * (the encrypted cookie engine does).
 */
public interface SessionCodec {

    /** Encodes the session data (a map of JSON values). */
    String encode(Map<String, Object> data);

    /**
     * Decodes and verifies a stored value.
     *
     * @throws dev.satchel.BadSignatureException (or a subclass) when the value is tampered, expired,
     *     truncated or otherwise undecodable; the session layer turns that into an empty session
     */
    DecodedSession decode(String encoded);
}
