package dev.satchel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The expiry date of a Set-Cookie header beyond the years Python writes. Found by {@link
 * CookieHeaderFuzzTest}: an expiry age of -10^12 s (the bound SessionExpiry clamps to) was written as
 * {@code Tue, 05 Apr +29720 ...}, a far-future date for a cookie that should be gone, and +10^12 s as
 * {@code +33658}; neither is a cookie date.
 */
class SetCookieHeaderDateTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);
    private static final SessionCookieSpec SPEC = new SessionCookieSpec("sessionid", null, "/", false, true, "Lax");

    @Test
    void yearsPythonWrites_areWrittenAsPythonWritesThem() {
        assertEquals("Tue, 28 Nov 2023 22:13:20 GMT", SetCookieHeader.httpDate(NOW.plusSeconds(1_209_600)));
        assertEquals("Mon, 01 Jan 0001 00:00:00 GMT", SetCookieHeader.httpDate(Instant.parse("0001-01-01T00:00:00Z")));
        assertEquals(
                "Fri, 31 Dec 9999 23:59:59 GMT", SetCookieHeader.httpDate(Instant.parse("9999-12-31T23:59:59.9Z")));
    }

    @Test
    void aFarFutureExpiry_isTheLastDatePythonWrites() {
        assertEquals(
                "sessionid=k; expires=Fri, 31 Dec 9999 23:59:59 GMT; HttpOnly; Max-Age=1000000000000; Path=/;"
                        + " SameSite=Lax",
                SetCookieHeader.set(SPEC, "k", 1_000_000_000_000L, NOW));
    }

    @Test
    void aFarPastExpiry_isTheEpoch() {
        assertEquals(
                "sessionid=k; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=-1000000000000; Path=/;"
                        + " SameSite=Lax",
                SetCookieHeader.set(SPEC, "k", -1_000_000_000_000L, NOW));
        assertEquals(SetCookieHeader.EPOCH, SetCookieHeader.httpDate(Instant.parse("-0001-12-31T23:59:59Z")));
    }
}
