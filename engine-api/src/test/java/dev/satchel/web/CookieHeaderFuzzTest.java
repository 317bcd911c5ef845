package dev.satchel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@code Cookie} header parser ({@link SessionCookies}) and the {@code Set-Cookie} renderer
 * ({@link SetCookieHeader}). The parser, on any header, never throws and gives what Django's {@code
 * parse_cookie} gives, as its Javadoc states it (chunks split on {@code ;}, names and values
 * stripped, the last duplicate wins), filtered by the middleware's value rules. The renderer, for any
 * value, writes one cookie pair the value cannot break out of (no {@code ;}, no control character),
 * then the attributes; a value the middleware accepts comes back unchanged from the header a browser
 * sends for that Set-Cookie; the expiry date is Python's {@code formatdate} where Python has one and
 * otherwise still a valid date on the same side of now. Committed inputs: a flags byte, then the
 * request {@code Cookie} headers and {@code Set-Cookie} values of {@code middleware.json}.
 */
class CookieHeaderFuzzTest {
    private static final String[] NAMES = {"sessionid", "__Host-sid", "s", "a.b"};
    private static final String TOKEN_CHARS =
            "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** SessionExpiry's bound on any expiry age: about 31 700 years. */
    private static final long LIMIT_SECONDS = 1_000_000_000_000L;

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: the cookie name, bits 2-3: how the bytes become text), then the header. */
    @FuzzTest
    void find_anyHeader_isDjangosParseCookie(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String name = NAMES[flags & 3];
        String header = data.restAsText(flags >> 2);

        String found = SessionCookies.find(header, name);
        assertEquals(reference(header, name), found);
        if (found != null) {
            assertTrue(SessionCookies.present(header, name));
            assertEquals(found, SessionCookies.acceptable(found), "a value found is acceptable as it is");
        }
    }

    /**
     * Input: the cookie's attributes, the value, the age and the time, all from the bytes. The value
     * is any text; the round trip is checked for the values the middleware accepts.
     */
    @FuzzTest
    void setCookie_anyValue_roundTripsThroughTheBrowsersCookieHeader(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        SessionCookieSpec spec = spec(data, flags);
        String value = data.nextString(120);
        Long maxAge =
                (flags & 0x80) != 0 ? null : Math.floorMod(data.nextLong(), 2 * LIMIT_SECONDS + 1) - LIMIT_SECONDS;
        Instant now =
                Instant.ofEpochSecond(1 + Math.floorMod(data.nextLong(), 4_102_444_800L), data.nextInt(1_000_000_000));

        String header = SetCookieHeader.set(spec, value, maxAge, now);
        String prefix = spec.name() + "=";
        assertTrue(header.startsWith(prefix), header);
        int end = header.indexOf(';');
        String pair = end < 0 ? header : header.substring(0, end);
        String written = pair.substring(prefix.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            assertTrue(c >= 0x20 && c < 0x7f, "value written with char " + (int) c + ": " + header);
        }
        assertEquals(attributes(spec, maxAge, now, header), header.substring(pair.length()), "attributes");

        if (value.equals(SessionCookies.acceptable(value))) {
            String[] around = {"", "csrftoken=abc; ", "a=1;", " x = y ; "};
            String sent = around[flags >> 4 & 3] + pair + ((flags & 0x40) != 0 ? "; b=2" : "");
            assertEquals(value, SessionCookies.find(sent, spec.name()), "round trip through " + sent);
        }
        String delete = SetCookieHeader.delete(spec);
        assertTrue(delete.startsWith(spec.name() + "=\"\"; "), delete);
        assertTrue(delete.contains("; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"), delete);
    }

    /** Django's {@code parse_cookie} as SessionCookies documents it, then the middleware's value rules. */
    static String reference(String header, String name) {
        if (header == null || header.isEmpty() || header.length() > SessionCookies.MAX_HEADER_LENGTH) {
            return null;
        }
        String found = null;
        for (String chunk : header.split(";", -1)) {
            int eq = chunk.indexOf('=');
            if (eq >= 0 && strip(chunk.substring(0, eq)).equals(name)) {
                found = strip(chunk.substring(eq + 1));
            }
        }
        if (found == null) {
            return null;
        }
        if (found.length() >= 2 && found.startsWith("\"") && found.endsWith("\"")) {
            found = found.substring(1, found.length() - 1);
        }
        if (found.isEmpty() || found.length() > SessionCookies.MAX_VALUE_LENGTH) {
            return null;
        }
        for (char c : found.toCharArray()) {
            if (c <= ' ' || c >= 0x7f || "\"\\,;".indexOf(c) >= 0) {
                return null;
            }
        }
        return found;
    }

    /** Python's {@code str.strip()} for the whitespace SessionCookies documents. */
    private static String strip(String s) {
        String ws = " \t\n\r\u000b\f";
        int from = 0;
        int to = s.length();
        while (from < to && ws.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && ws.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }

    private static SessionCookieSpec spec(FuzzData data, int flags) {
        String[] prefixes = {"", "__Host-", "__Secure-", ""};
        StringBuilder name = new StringBuilder(prefixes[data.nextInt(4)]);
        int n = 1 + data.nextInt(12);
        for (int i = 0; i < n; i++) {
            name.append(TOKEN_CHARS.charAt(data.nextInt(TOKEN_CHARS.length())));
        }
        String domain = (flags & 1) != 0 ? "example.com" : null;
        String path = (flags & 2) != 0 ? "/app" : "/";
        String[] sameSite = {null, "Lax", "Strict", "None"};
        int bits = data.nextByte();
        return new SessionCookieSpec(
                name.toString(),
                domain,
                path,
                (bits & 1) != 0,
                (bits & 2) != 0,
                sameSite[bits >> 2 & 3],
                (bits & 16) != 0);
    }

    /** The attributes after the cookie pair, in Morsel's order, computed independently. */
    private static String attributes(SessionCookieSpec spec, Long maxAge, Instant now, String header) {
        StringBuilder sb = new StringBuilder();
        if (spec.domain() != null) {
            sb.append("; Domain=").append(spec.domain());
        }
        if (maxAge != null) {
            sb.append("; expires=").append(expires(now, maxAge, header));
        }
        if (spec.httpOnly()) {
            sb.append("; HttpOnly");
        }
        if (maxAge != null) {
            sb.append("; Max-Age=").append(maxAge);
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
     * Python's {@code email.utils.formatdate(now + maxAge, usegmt=True)} where Python can format the
     * date (years 1 to 9999); beyond that Django fails, and Satchel's date must still be a valid
     * RFC 1123 date on the same side of now, which is returned as found in the header.
     */
    private static String expires(Instant now, long maxAge, String header) {
        Instant at = Instant.ofEpochSecond(Math.floorDiv(now.toEpochMilli(), 1000L) + maxAge);
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        if (t.getYear() >= 1 && t.getYear() <= 9999) {
            String[] days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
            String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            return String.format(
                    "%s, %02d %s %04d %02d:%02d:%02d GMT",
                    days[t.getDayOfWeek().getValue() - 1],
                    t.getDayOfMonth(),
                    months[t.getMonthValue() - 1],
                    t.getYear(),
                    t.getHour(),
                    t.getMinute(),
                    t.getSecond());
        }
        int from = header.indexOf("; expires=") + "; expires=".length();
        String found = header.substring(from, header.indexOf(';', from));
        ZonedDateTime parsed;
        try {
            parsed = ZonedDateTime.parse(found, DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new AssertionError("expires is not an RFC 1123 date: " + found, e);
        }
        assertNotNull(parsed);
        assertEquals(
                Long.signum(maxAge), Long.signum(parsed.toInstant().getEpochSecond() - now.getEpochSecond()), found);
        return found;
    }
}
