package dev.satchel.web;

import dev.satchel.internal.SensitiveValues;

/**
 * Reads the session cookie out of a raw {@code Cookie} header as Django's {@code parse_cookie} does:
 * chunks split on {@code ;}, name and value trimmed, and when the name appears more than once the
 * <em>last</em> one wins. A value that is not a plausible session cookie gives no session, never an
 * error. The scan is one pass over the header, so a long hostile header costs linear time.
 *
 * <p>Duplicates are how cookie tossing works: a sibling subdomain sets a second {@code sessionid}
 * with a wider domain or a longer path. Following Django keeps the two frameworks agreeing on which
 * session a request carries; the defence is a {@code __Host-} cookie name ({@code
 * satchel.cookie.name=__Host-sessionid} with {@code Secure} and {@code Path=/}), which no other host
 * can set.
 */
public final class SessionCookies {
    /** Longer values are ignored before any decoding (browsers keep at most 4096 bytes a cookie). */
    public static final int MAX_VALUE_LENGTH = 4096;

    /** Longer headers are not read at all (servers commonly cap the whole header block at 8-64 KB). */
    public static final int MAX_HEADER_LENGTH = 64 * 1024;

    private SessionCookies() {}

    /**
     * The value of the last cookie named {@code name} in {@code header} if it is well-formed, else
     * {@code null} (as in Django, a malformed last duplicate is not replaced by an earlier one).
     */
    public static String find(String header, String name) {
        String value = acceptable(lastRawValue(header, name));
        SensitiveValues.handled(value);
        return value;
    }

    /** Whether {@code header} holds a cookie named {@code name} at all, well-formed or not. */
    public static boolean present(String header, String name) {
        return lastRawValue(header, name) != null;
    }

    /** The trimmed raw value of the last chunk named {@code name}, or {@code null}; one pass. */
    private static String lastRawValue(String header, String name) {
        if (header == null || header.isEmpty() || header.length() > MAX_HEADER_LENGTH) {
            return null;
        }
        String found = null;
        int n = header.length();
        int start = 0;
        while (start <= n) {
            int end = start;
            int eq = -1;
            while (end < n && header.charAt(end) != ';') {
                if (eq < 0 && header.charAt(end) == '=') {
                    eq = end;
                }
                end++;
            }
            if (eq > start && nameMatches(header, start, eq, name)) {
                found = trim(header, eq + 1, end);
            }
            start = end + 1;
        }
        return found;
    }

    private static boolean nameMatches(String header, int from, int to, String name) {
        while (from < to && isSpace(header.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(header.charAt(to - 1))) {
            to--;
        }
        return to - from == name.length() && header.regionMatches(from, name, 0, name.length());
    }

    private static String trim(String header, int from, int to) {
        while (from < to && isSpace(header.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(header.charAt(to - 1))) {
            to--;
        }
        return header.substring(from, to);
    }

    /** Python's {@code str.strip()} whitespace, as far as it can occur in a header. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\f';
    }

    /** A cookie value as the middleware accepts it: unquoted, printable, no spaces, bounded. */
    public static String acceptable(String raw) {
        if (raw == null) {
            return null;
        }
        String value = raw;
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ',' || c == ';') {
                return null;
            }
        }
        return value;
    }
}
