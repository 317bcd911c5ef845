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

    @Test
    void bothOfDjangosForms_areRead() {
        // set_expiry(600) stores the int; Django 4+'s set_expiry(datetime) stores datetime.isoformat().
        assertEquals(T.plusSeconds(600), SessionExpiry.expiryDate(T, 600L, AGE));
        assertEquals(600, SessionExpiry.expiryAge(T.plusSeconds(5), 600L, AGE));
        Instant at = Instant.parse("2023-11-14T22:23:20.000001Z");
        for (String written : new String[] {
            "2023-11-14T22:23:20.000001+00:00", "2023-11-14T23:23:20.000001+01:00", "2023-11-14T22:23:20.000001Z"
        }) {
            assertEquals(at, SessionExpiry.expiryDate(T, written, AGE), written);
            assertEquals(599, SessionExpiry.expiryAge(T.plusMillis(750), written, AGE), written);
        }
        assertEquals(
                Instant.parse("2023-11-14T22:23:20Z"), SessionExpiry.expiryDate(T, "2023-11-14T22:23:20+00:00", AGE));
    }

    /**
     * A string Python's {@code fromisoformat} cannot read makes Django raise on every request of that
     * session; Satchel ignores it instead: the session keeps the cookie age counted from its last
     * modification, so a bad value never crashes a load and never extends a session past the policy.
     */
    @Test
    void malformedExpiryStrings_areIgnored_theCookieAgeApplies() {
        for (Object bad : new Object[] {
            "",
            "yesterday",
            "2023-02-30T00:00:00",
            "2023-11-14T24:00:00+00:00",
            "2023-11-14T22:14:20+24:00",
            "2023-11-14T22:14:20z",
            "+2023-11-14T22:14:20",
            "10000-01-01T00:00:00",
            "2023-11-14T22:14:20." + "9".repeat(100_000) + "!",
            "x".repeat(1 << 20),
            java.util.List.of("2023-11-14T22:14:20+00:00"),
            java.util.Map.of("at", 1L)
        }) {
            String label =
                    String.valueOf(bad).length() > 40 ? String.valueOf(bad).substring(0, 40) : String.valueOf(bad);
            assertEquals(T.plus(AGE), SessionExpiry.expiryDate(T, bad, AGE), label);
            assertEquals(AGE.getSeconds(), SessionExpiry.expiryAge(T.plusSeconds(7), bad, AGE), label);
            assertFalse(SessionExpiry.isZero(bad), label);
        }
    }
}
