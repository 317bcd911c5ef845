package dev.satchel.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Renders {@code Set-Cookie} header values exactly as Django does (Python's {@code Morsel}): the
 * attributes in Morsel's order, sorted by name (Domain, expires, HttpOnly, Max-Age, Partitioned,
 * Path, SameSite, Secure; Partitioned where Python 3.14's Morsel puts it), dates in RFC 1123 form,
 * and the deletion cookie {@code name=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0} without
 * HttpOnly.
 */
public final class SetCookieHeader {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final String LEGAL =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~:";
    /** The expiry date Django gives a deletion cookie. */
    public static final String EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
    /** The range of years Python's {@code formatdate} writes. */
    private static final Instant FIRST_DATE = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LAST_DATE = Instant.parse("9999-12-31T23:59:59Z");

    private SetCookieHeader() {}

    /**
     * A cookie carrying {@code value}; with {@code maxAgeSeconds} null it is a browser-session
     * cookie (no expires, no Max-Age).
     */
    public static String set(SessionCookieSpec spec, String value, Long maxAgeSeconds, Instant now) {
        StringBuilder sb = new StringBuilder(64 + value.length());
        sb.append(spec.name()).append('=').append(quote(value));
        if (spec.domain() != null) {
            sb.append("; Domain=").append(spec.domain());
        }
        if (maxAgeSeconds != null) {
            sb.append("; expires=").append(httpDate(now.plusSeconds(maxAgeSeconds)));
        }
        if (spec.httpOnly()) {
            sb.append("; HttpOnly");
        }
        if (maxAgeSeconds != null) {
            sb.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (spec.partitioned()) {
            sb.append("; Partitioned");
        }
        sb.append("; Path=").append(spec.path());
        if (spec.sameSite() != null) {
            sb.append("; SameSite=").append(spec.sameSite());
        }
        if (spec.secure()) {
            sb.append("; Secure");
        }
        return sb.toString();
    }

    /**
     * The cookie that tells the browser to drop the session cookie. It is Secure when the name has a
     * {@code __Secure-}/{@code __Host-} prefix, SameSite is None or the cookie is Partitioned, as
     * browsers require; and Partitioned when the cookie is, since a browser removes a partitioned
     * cookie only on a partitioned deletion cookie.
     */
    public static String delete(SessionCookieSpec spec) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(spec.name()).append("=\"\"");
        if (spec.domain() != null) {
            sb.append("; Domain=").append(spec.domain());
        }
        sb.append("; expires=").append(EPOCH).append("; Max-Age=0");
        if (spec.partitioned()) {
            sb.append("; Partitioned");
        }
        sb.append("; Path=").append(spec.path());
        if (spec.sameSite() != null) {
            sb.append("; SameSite=").append(spec.sameSite());
        }
        boolean prefixed = spec.name().startsWith("__Secure-") || spec.name().startsWith("__Host-");
        boolean sameSiteNone = spec.sameSite() != null && spec.sameSite().equalsIgnoreCase("none");
        if (prefixed || sameSiteNone || spec.partitioned()) {
            sb.append("; Secure");
        }
        return sb.toString();
    }

    /**
     * An RFC 1123 date, whole seconds, as Django's {@code http_date} for years 1 to 9999. Python
     * cannot write other years (Django fails on such an expiry); they are written as the last date
     * it can write or, before year 1, as {@link #EPOCH}, so that the cookie date is still a valid one
     * on the same side of now (a five-digit or signed year is not a cookie date).
     */
    public static String httpDate(Instant instant) {
        Instant second = Instant.ofEpochSecond(instant.getEpochSecond());
        if (second.isAfter(LAST_DATE)) {
            return HTTP_DATE.format(LAST_DATE);
        }
        if (second.isBefore(FIRST_DATE)) {
            return EPOCH;
        }
        return HTTP_DATE.format(second);
    }

    /** Python's cookie-value quoting: legal values as they are, others in double quotes. */
    static String quote(String value) {
        boolean legal = !value.isEmpty();
        for (int i = 0; i < value.length() && legal; i++) {
            legal = LEGAL.indexOf(value.charAt(i)) >= 0;
        }
        if (legal) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e || c == ';' || c == ',') {
                sb.append('\\').append(String.format("%03o", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
