package dev.satchel.cookie.internal;

import dev.satchel.SessionTooLargeException;
import dev.satchel.spi.SessionRecord;
import java.time.Clock;
import java.util.Optional;

/**
 * What both cookie engines share: the cookie value is the record, so loading hands it back
 * unchanged, saving measures the cookie and returns the new value, and there is nothing to find or
 * delete on the server.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class CookieStore {
    /** The longest cookie value looked at; longer values are refused before any decoding. */
    public static final int MAX_VALUE_CHARS = SetCookieSize.BROWSER_LIMIT_BYTES;

    private static final boolean[] BASE64_URL = new boolean[128];

    static {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < chars.length(); i++) {
            BASE64_URL[chars.charAt(i)] = true;
        }
    }

    /** The shape of the values an engine writes. */
    public enum Format {
        /**
         * Django's {@code [.]payload:timestamp:signature}: base64url parts (the base62 timestamp and
         * its optional sign are within that alphabet), exactly two {@code ':'}, a {@code '.'} only in
         * front.
         */
        SIGNED,
        /** {@code v1.<8-char key id>.<data>}, every part base64url. */
        ENCRYPTED
    }

    private final Format format;
    private final SetCookieSize header;
    private final Clock clock;

    public CookieStore(Format format, SetCookieSize header, Clock clock) {
        this.format = format;
        this.header = header;
        this.clock = clock;
    }

    /**
     * Whether a cookie value is worth decoding: 1 to 4096 characters with the shape of the engine's
     * format. Anything else (a server-side session key, a value of the other cookie engine, junk) is
     * refused without being decoded.
     */
    public boolean accepts(String value) {
        int n = value.length();
        if (n == 0 || n > MAX_VALUE_CHARS) {
            return false;
        }
        return format == Format.SIGNED ? signedShape(value) : encryptedShape(value);
    }

    private static boolean signedShape(String value) {
        int n = value.length();
        int colons = 0;
        int lastColon = -1;
        for (int i = value.charAt(0) == '.' ? 1 : 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == ':') {
                if (i == lastColon + 1) {
                    return false; // an empty timestamp or signature
                }
                colons++;
                lastColon = i;
            } else if (c >= 128 || !BASE64_URL[c]) {
                return false;
            }
        }
        return colons == 2 && lastColon < n - 1;
    }

    private static boolean encryptedShape(String value) {
        String prefix = EncryptedCookieCodec.VERSION + ".";
        int idEnd = prefix.length() + CookieKey.ID_CHARS;
        if (value.length() <= idEnd + 1 || !value.startsWith(prefix) || value.charAt(idEnd) != '.') {
            return false;
        }
        for (int i = prefix.length(); i < value.length(); i++) {
            char c = value.charAt(i);
            if (i != idEnd && (c >= 128 || !BASE64_URL[c])) {
                return false;
            }
        }
        return true;
    }

    /** The record of a cookie: the value itself, with no expiry (the session derives it). */
    public Optional<SessionRecord> load(String value) {
        return Optional.of(new SessionRecord(value, null, null));
    }

    /**
     * Checks that the cookie fits in a browser and returns it as the session's new key.
     *
     * @throws SessionTooLargeException if the Set-Cookie header could exceed 4096 bytes
     */
    public String save(SessionRecord record) {
        String value = record.data();
        int bytes = header.worstCaseBytes(value, clock.instant(), record.expiry());
        if (bytes > SetCookieSize.BROWSER_LIMIT_BYTES) {
            throw new SessionTooLargeException("Session too large for a cookie: its Set-Cookie header would be "
                    + bytes + " bytes (name, value and attributes; the value alone is " + value.length()
                    + " characters), over the " + SetCookieSize.BROWSER_LIMIT_BYTES
                    + "-byte limit browsers keep. Nothing was sent and the client's current cookie stays"
                    + " valid; store less in the session or use a server-side engine.");
        }
        return value;
    }
}
