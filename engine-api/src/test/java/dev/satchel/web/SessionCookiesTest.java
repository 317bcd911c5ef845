package dev.satchel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionCookiesTest {
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";

    @Test
    void findsTheSessionCookieAmongOthers() {
        assertEquals(KEY, SessionCookies.find("a=1; sessionid=" + KEY + "; b=2", "sessionid"));
        assertEquals(KEY, SessionCookies.find("sessionid=" + KEY, "sessionid"));
        assertEquals(KEY, SessionCookies.find("a=1;sessionid=" + KEY, "sessionid"));
        assertEquals(KEY, SessionCookies.find("sessionid=\"" + KEY + "\"", "sessionid"));
        assertNull(SessionCookies.find("xsessionid=" + KEY, "sessionid"));
    }

    @Test
    void twoSessionCookies_theLastWins_asInDjango() {
        String other = "other0000other0000";
        assertEquals(other, SessionCookies.find("sessionid=" + KEY + "; sessionid=" + other, "sessionid"));
        assertEquals(KEY, SessionCookies.find("sessionid=\"bad value\"; sessionid=" + KEY, "sessionid"));
        assertEquals(KEY, SessionCookies.find("sessionid=; sessionid=" + KEY, "sessionid"));
        assertEquals(KEY, SessionCookies.find("sessionid=" + other + ";a=1; sessionid = " + KEY + " ;b", "sessionid"));
        // A malformed last duplicate is not replaced by an earlier one: no session, as in Django.
        assertNull(SessionCookies.find("sessionid=" + KEY + "; sessionid=", "sessionid"));
        assertNull(SessionCookies.find("sessionid=" + KEY + "; sessionid=has space", "sessionid"));
        assertTrue(SessionCookies.present("sessionid=" + KEY + "; sessionid=", "sessionid"));
    }

    @Test
    void pathologicalHeaders_areReadInOnePass() {
        // Each of these made the old scan quadratic: many chunks, the only '=' at the far end.
        String chunks = ";".repeat(SessionCookies.MAX_HEADER_LENGTH - 64);
        assertEquals(KEY, SessionCookies.find(chunks + "sessionid=" + KEY, "sessionid"));
        assertNull(SessionCookies.find(chunks + "x=" + KEY, "sessionid"));
        String names = "sessionid;".repeat((SessionCookies.MAX_HEADER_LENGTH - 64) / 10);
        assertEquals(KEY, SessionCookies.find(names + "sessionid=" + KEY, "sessionid"));
        assertFalse(SessionCookies.present(names, "sessionid"), "a name without '=' is not a cookie of that name");
        assertNull(SessionCookies.find(chunks + chunks + "sessionid=" + KEY, "sessionid"), "over 64 KB: not read");
    }

    @Test
    void hostileValues_giveNoSession() {
        assertNull(SessionCookies.find("sessionid=has space", "sessionid"));
        assertNull(SessionCookies.find("sessionid=\"quo\"te\"", "sessionid"));
        assertNull(SessionCookies.find("sessionid=" + "a".repeat(10_240), "sessionid"));
        assertNull(SessionCookies.find("sessionid=caf\u00e9", "sessionid"));
        assertNull(SessionCookies.find("sessionid=a\\b", "sessionid"));
        assertNull(SessionCookies.find("sessionid", "sessionid"));
        assertNull(SessionCookies.find(";;;=;==;", "sessionid"));
        assertNull(SessionCookies.find("", "sessionid"));
        assertNull(SessionCookies.find(null, "sessionid"));
        assertNull(SessionCookies.find("x=" + "y".repeat(70_000) + "; sessionid=" + KEY, "sessionid"));
    }

    @Test
    void varyMerging_followsDjango() {
        assertEquals("Cookie", SessionResponse.mergeVary(null));
        assertEquals("Accept-Encoding, Cookie", SessionResponse.mergeVary("Accept-Encoding"));
        assertEquals("accept, cookie", SessionResponse.mergeVary("accept, cookie"));
        assertEquals("*", SessionResponse.mergeVary("*"));
    }

    @Test
    void cookieValues_areQuotedLikePython() {
        assertEquals(KEY, SetCookieHeader.quote(KEY));
        assertEquals("e30:1r31eq:x-_.", SetCookieHeader.quote("e30:1r31eq:x-_."));
        assertEquals("\"\"", SetCookieHeader.quote(""));
        assertEquals("\"a b\"", SetCookieHeader.quote("a b"));
        assertEquals("\"a\\\"b\\073\"", SetCookieHeader.quote("a\"b;"));
    }
}
