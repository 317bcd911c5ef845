package dev.satchel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The CHIPS {@code Partitioned} attribute: placed where Python's {@code Morsel} (3.14, which sorts
 * attributes by name) places it, between Max-Age and Path, and kept on the deletion cookie, since a
 * browser deletes a partitioned cookie only with a partitioned, Secure deletion cookie.
 */
class PartitionedCookieTest {
    private static final Instant NOW = Instant.parse("2023-11-14T22:13:20Z");

    private static SessionCookieSpec spec(String domain, String sameSite, boolean partitioned) {
        return new SessionCookieSpec("sessionid", domain, "/", true, true, sameSite, partitioned);
    }

    @Test
    void aPartitionedCookie_carriesTheAttribute_betweenMaxAgeAndPath() {
        assertEquals(
                "sessionid=abc; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Partitioned;"
                        + " Path=/; SameSite=None; Secure",
                SetCookieHeader.set(spec(null, "None", true), "abc", 1_209_600L, NOW));
        assertEquals(
                "sessionid=abc; Domain=example.com; expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Max-Age=60;"
                        + " Partitioned; Path=/; SameSite=Lax; Secure",
                SetCookieHeader.set(spec("example.com", "Lax", true), "abc", 60L, NOW));
        assertEquals(
                "sessionid=abc; HttpOnly; Partitioned; Path=/; Secure",
                SetCookieHeader.set(spec(null, null, true), "abc", null, NOW),
                "a browser-session cookie has no expires or Max-Age");
    }

    @Test
    void theDeletionCookie_isPartitionedAndSecure_too() {
        assertEquals(
                "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Partitioned; Path=/;"
                        + " SameSite=Lax; Secure",
                SetCookieHeader.delete(spec(null, "Lax", true)));
        SessionCookieSpec insecure = new SessionCookieSpec("sessionid", null, "/", false, true, null, true);
        assertEquals(
                "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Partitioned; Path=/; Secure",
                SetCookieHeader.delete(insecure),
                "browsers drop a Partitioned cookie that is not Secure");
    }

    @Test
    void withoutTheSetting_nothingChanges() {
        SessionCookieSpec plain = new SessionCookieSpec("sessionid", null, "/", false, true, "Lax");
        assertFalse(plain.partitioned());
        assertEquals(
                "sessionid=abc; expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Max-Age=60; Path=/; SameSite=Lax",
                SetCookieHeader.set(plain, "abc", 60L, NOW));
        assertEquals(
                "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax",
                SetCookieHeader.delete(plain));
    }

    @Test
    void theSpecFromSettings_carriesTheSetting() {
        SessionSettings settings = SessionSettings.builder()
                .secretKey("k")
                .cookieSecure(true)
                .cookiePartitioned(true)
                .build();
        SessionCookieSpec spec = SessionCookieSpec.from(settings);
        assertTrue(spec.partitioned());
        assertTrue(SetCookieHeader.set(spec, "abc", 60L, NOW).contains("; Max-Age=60; Partitioned; Path=/;"));
        assertFalse(
                SessionCookieSpec.from(SessionSettings.builder().secretKey("k").build())
                        .partitioned());
    }
}
