package dev.satchel.file.internal;

import dev.satchel.Session;
import dev.satchel.spi.SessionExpiry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The expiry of a session file that Satchel did not write (a file written by Django), computed from
 * its data the way the session layer computes it: {@code _session_expiry} as an ISO-8601 instant is
 * that instant; a non-zero number of seconds counts from the last modification; nothing (or {@code
 * 0}, "at browser close") means the cookie age after the last modification. The last modification
 * is the signing time inside the data (Django encodes right before it writes), or the file's
 * modification time when the data carries none.
 *
 * <p>Unlike Django, seconds count from the modification, so {@code set_expiry(300)} expires
 * server-side instead of never.
 */
public final class DataExpiry {
    /** Where a custom expiry is kept inside the session data. */
    public static final String EXPIRY_KEY = Session.EXPIRY_KEY;

    private DataExpiry() {}

    /** When a session with this data, last modified at {@code modification}, expires. */
    public static Instant of(Map<String, Object> data, Instant modification, Duration cookieAge) {
        return SessionExpiry.expiryDate(modification, data.get(EXPIRY_KEY), cookieAge);
    }
}
