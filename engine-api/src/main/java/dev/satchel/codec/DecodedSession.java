package dev.satchel.codec;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The result of decoding a stored session: its data and when it was signed (whole seconds). The
 * signing time is the session's last modification, from which relative expiry is computed.
 *
 * @param data the session's data, a mutable map owned by the caller
 * @param signedAt when the data was encoded, or {@code null} if the codec does not record it
 */
public record DecodedSession(Map<String, Object> data, Instant signedAt) {
    public DecodedSession {
        Objects.requireNonNull(data, "data");
    }
}
