package dev.satchel.cookie.internal;

import dev.satchel.SessionSettings;
import dev.satchel.web.SessionCookieSpec;
import java.time.Instant;

/**
 * The session's {@code Set-Cookie} header value as Django renders it (Python's {@code
 * Morsel.OutputString}, attributes sorted): {@code name=value; Domain=...; expires=...; HttpOnly;
 * Max-Age=...; Path=...; SameSite=...; Secure}. The cookie engines use it to measure a cookie before
 * it is handed out; the measure and the rendering share one definition, so they cannot disagree.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class SetCookieSize {
    /** The most a browser is guaranteed to keep for one cookie: name, value and attributes. */
    public static final int BROWSER_LIMIT_BYTES = 4096;

    /** A fixed date of the width every {@code expires} value of a four-digit year has. */
    private static final Instant SAMPLE_DATE = Instant.EPOCH;

    private final SessionCookieSpec spec;
    private final long cookieAgeSeconds;
    /** Everything but the value and the Max-Age digits, in bytes. */
    private final int fixedBytes;

    /** The header for the cookie these settings describe. */
    public SetCookieSize(SessionSettings settings) {
        this.spec = SessionCookieSpec.from(settings);
        this.cookieAgeSeconds = settings.cookieAge().getSeconds();
        // Settings hold ASCII only (token name, checked domain and path), so chars are bytes.
        this.fixedBytes = render("A", 0L, SAMPLE_DATE).length() - 2; // less the value "A" and the digit "0"
    }

    /**
     * The header value Django's middleware would send for {@code value}.
     *
     * @param maxAge the {@code Max-Age} in seconds, or {@code null} for a browser-session cookie
     *     (then {@code expires} is left out too)
     * @param expires the {@code expires} date (Django: now + max age, truncated to the second)
     */
    public String render(String value, Long maxAge, Instant expires) {
        // One renderer for the whole project: the middleware's, which writes what Django writes.
        Instant now = maxAge == null ? SAMPLE_DATE : expires.minusSeconds(maxAge);
        return dev.satchel.web.SetCookieHeader.set(spec, value, maxAge, now);
    }

    /**
     * The longest header the middleware can send for {@code value}: with {@code expires} and {@code
     * Max-Age} present even if the session ends with the browser, and the widest Max-Age the
     * session's expiry can give.
     *
     * @param now the current instant
     * @param expiry when the session expires, or {@code null} to assume the cookie age
     */
    public int worstCaseBytes(String value, Instant now, Instant expiry) {
        long age = expiry == null ? cookieAgeSeconds : expiry.getEpochSecond() - now.getEpochSecond();
        int digits =
                Math.max(digits(cookieAgeSeconds), Math.max(digits(age - 1), Math.max(digits(age), digits(age + 1))));
        return fixedBytes + digits + utf8Length(value);
    }

    /** The cookie's name. */
    public String cookieName() {
        return spec.name();
    }

    private static int utf8Length(String s) {
        int bytes = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // Two bytes below U+0800, three above; each half of a surrogate pair counts two.
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }
}
