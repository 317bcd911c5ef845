package dev.satchel.signing;

import java.time.Instant;
import java.util.Objects;

/**
 * A value read back from a signed string together with the moment it was signed. The session layer
 * needs that moment: for signed-cookie sessions it is the last modification of the session.
 *
 * @param value the deserialized value; may be {@code null} (JSON {@code null})
 * @param signedAt when the value was signed, in whole seconds (Django truncates the timestamp)
 */
public record SignedObject(Object value, Instant signedAt) {
    /** Checks that the signing instant is present. */
    public SignedObject {
        Objects.requireNonNull(signedAt, "signedAt");
    }
}
