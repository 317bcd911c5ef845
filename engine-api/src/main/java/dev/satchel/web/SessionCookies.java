package dev.satchel.web;

/**
 * Reads the session cookie out of a raw {@code Cookie} header, tolerating what browsers and attackers
 * send: several cookies with the session name (the first well-formed one wins), quoted values,
 * missing spaces, and junk. A value that is not a plausible session cookie is skipped, never an error.
 */
public final class SessionCookies {
    /** Longer values are ignored before any decoding (browsers keep at most 4096 bytes a cookie). */
    public static final int MAX_VALUE_LENGTH = 4096;

    private SessionCookies() {}

    /** The first well-formed value of cookie {@code name} in {@code header}, or {@code null}. */
    public static String find(String header, String name) {
        if (header == null || header.isEmpty() || header.length() > 64 * 1024) {
            return null;
        }
        int i = 0;
        int n = header.length();
        while (i < n) {
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > i && eq < end) {
                String key = header.substring(i, eq).trim();
                if (key.equals(name)) {
                    String value = header.substring(eq + 1, end).trim();
                    String accepted = acceptable(value);
                    if (accepted != null) {
                        return accepted;
                    }
                }
            }
            i = end + 1;
        }
        return null;
    }

    /** Whether {@code header} holds a cookie named {@code name} at all, well-formed or not. */
    public static boolean present(String header, String name) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                return true;
            }
        }
        return false;
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
