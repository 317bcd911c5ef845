package dev.satchel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Django's get_expiry_age / get_expiry_date rules (SPEC B.1.7). */
class SessionExpiryTest {
    private static final Instant T = Instant.parse("2023-11-14T22:13:20.250Z");
    private static final Duration AGE = Duration.ofDays(14);

    @Test
    void absentOrZero_meansTheCookieAge() {
        assertEquals(T.plus(AGE), SessionExpiry.expiryDate(T, null, AGE));
        assertEquals(T.plus(AGE), SessionExpiry.expiryDate(T, 0L, AGE));
        assertEquals(AGE.getSeconds(), SessionExpiry.expiryAge(T, 0L, AGE));
        assertTrue(SessionExpiry.isZero(0L));
        assertTrue(SessionExpiry.isZero(0.0));
        assertTrue(SessionExpiry.isZero(false));
        assertFalse(SessionExpiry.isZero(300L));
    }

    @Test
    void seconds_countFromTheModification_andTheAgeIsVerbatim() {
        assertEquals(T.plusSeconds(300), SessionExpiry.expiryDate(T, 300L, AGE));
        assertEquals(300, SessionExpiry.expiryAge(T.plusSeconds(100), 300L, AGE));
        assertEquals(T.plusSeconds(1), SessionExpiry.expiryDate(T, true, AGE));
        assertTrue(SessionExpiry.expiryDate(T, BigInteger.TEN.pow(30), AGE).isAfter(T.plus(Duration.ofDays(36500))));
        assertTrue(SessionExpiry.expiryDate(T, Long.MAX_VALUE, AGE).isAfter(T.plus(Duration.ofDays(36500))));
        assertTrue(SessionExpiry.expiryDate(T, Long.MIN_VALUE, AGE).isBefore(T));
        assertTrue(SessionExpiry.expiryDate(T, -1e300, AGE).isBefore(T));
        assertEquals(T.plus(AGE), SessionExpiry.expiryDate(T, Double.NaN, AGE));
    }

    @Test
    void isoInstants_areAbsolute_andAgesFloor() {
        String iso = "2023-11-14T22:14:20.250000+00:00";
        assertEquals(Instant.parse("2023-11-14T22:14:20.250Z"), SessionExpiry.expiryDate(T, iso, AGE));
        assertEquals(60, SessionExpiry.expiryAge(T, iso, AGE));
        assertEquals(59, SessionExpiry.expiryAge(T.plusMillis(1), iso, AGE));
        assertEquals(-1, SessionExpiry.expiryAge(T.plusSeconds(60).plusMillis(500), iso, AGE));
        assertEquals(Instant.parse("2023-11-14T22:14:20Z"), SessionExpiry.parseIso("2023-11-14 22:14:20"));
        assertEquals(Instant.parse("2023-11-14T22:14:20Z"), SessionExpiry.parseIso("2023-11-14T22:14:20Z"));
        assertNull(SessionExpiry.parseIso("yesterday"));
        assertEquals(T.plus(AGE), SessionExpiry.expiryDate(T, "yesterday", AGE));
    }
}
