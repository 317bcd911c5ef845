package dev.satchel.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored session as an engine sees it: the encoded data (Django's signed format, opaque to the
 * engine), when it expires, and an optional opaque version for saves that must detect conflicts.
 *
 * @param data the encoded session, as produced by the engine's {@link dev.satchel.codec.SessionCodec}
 * @param expiry when the store lets the session go; {@code null} on load when the store does not
 *     know, in which case the session layer derives it from the data and its signing time
 * @param version what the store needs to save "only if unchanged since load", or {@code null}
 */
public record SessionRecord(String data, Instant expiry, Object version) {
    public SessionRecord {
        Objects.requireNonNull(data, "data");
    }

    /** A record with no version. */
    public static SessionRecord of(String data, Instant expiry) {
        return new SessionRecord(data, expiry, null);
    }
}
