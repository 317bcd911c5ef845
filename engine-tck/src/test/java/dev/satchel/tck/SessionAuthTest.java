package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.auth.SessionAuth;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Django's login/logout rules and session auth hash (SPEC B.6), over the reference engine. */
class SessionAuthTest {
    private static final String PASSWORD = "md5$salt$0123456789abcdef0123456789abcdef";

    private static SessionManager manager(String secret, List<String> fallbacks) {
        return SessionManager.builder(SessionSettings.builder()
                        .secretKey(secret)
                        .secretKeyFallbacks(fallbacks)
                        .build())
                .engine(InMemorySessionEngine::new)
                .build();
    }

    @Test
    void theHash_matchesDjango() {
        SessionAuth auth = new SessionAuth(
                SessionSettings.builder().secretKey("test-secret-key").build());
        assertEquals(
                "30b819859d1e2804258b446502e4ee0ed5a7ee8e85463309193bb53bed7de0be", auth.sessionAuthHash(PASSWORD));
    }

    @Test
    void loginOfAnAnonymousSession_keepsTheDataUnderANewKey() {
        try (SessionManager m = manager("k", List.of())) {
            SessionAuth auth = new SessionAuth(m.settings());
            Session s = m.newSession();
            s.put("cart", List.of("apple"));
            s.save();
            String anonymousKey = s.getSessionKey();
            auth.login(s, "42", null, PASSWORD);
            s.save();
            assertNotEquals(anonymousKey, s.getSessionKey(), "the key changes at login");
            assertFalse(s.exists(anonymousKey));
            Session next = m.session(s.getSessionKey());
            assertEquals(List.of("apple"), next.get("cart"));
            assertEquals("42", next.get(SessionAuth.USER_ID));
            assertEquals(SessionAuth.MODEL_BACKEND, next.get(SessionAuth.BACKEND));
            assertEquals(auth.sessionAuthHash(PASSWORD), next.get(SessionAuth.HASH));
            assertEquals(Optional.of("42"), auth.verify(next, PASSWORD));
        }
    }

    @Test
    void loginOfAnotherUser_discardsTheFirstUsersData() {
        try (SessionManager m = manager("k", List.of())) {
            SessionAuth auth = new SessionAuth(m.settings());
            Session s = m.newSession();
            auth.login(s, "1", null, PASSWORD);
            s.put("secret", "of user 1");
            s.save();
            auth.login(s, "2", null, "other-hash");
            assertNull(s.get("secret"));
            assertEquals("2", s.get(SessionAuth.USER_ID));
        }
    }

    @Test
    void loginOfTheSameUser_keepsKeyAndData() {
        try (SessionManager m = manager("k", List.of())) {
            SessionAuth auth = new SessionAuth(m.settings());
            Session s = m.newSession();
            auth.login(s, "1", null, PASSWORD);
            s.put("x", 1L);
            s.save();
            String key = s.getSessionKey();
            Session next = m.session(key);
            auth.login(next, "1", null, PASSWORD);
            next.save();
            assertEquals(key, next.getSessionKey());
            assertEquals(1L, next.get("x"));
        }
    }

    @Test
    void logout_deletesTheSession() {
        try (SessionManager m = manager("k", List.of())) {
            SessionAuth auth = new SessionAuth(m.settings());
            Session s = m.newSession();
            auth.login(s, "1", null, PASSWORD);
            s.save();
            String key = s.getSessionKey();
            auth.logout(s);
            assertNull(s.getSessionKey());
            assertFalse(s.exists(key));
            assertEquals(Optional.empty(), auth.userId(m.session(key)));
        }
    }

    @Test
    void aPasswordChange_logsOutOtherSessions_butKeepsTheCurrentOne() {
        try (SessionManager m = manager("k", List.of())) {
            SessionAuth auth = new SessionAuth(m.settings());
            Session laptop = m.newSession();
            auth.login(laptop, "7", null, PASSWORD);
            laptop.save();
            Session phone = m.newSession();
            auth.login(phone, "7", null, PASSWORD);
            phone.save();
            String newPassword = "md5$salt$ffffffffffffffffffffffffffffffff";
            auth.updateSessionAuthHash(laptop, newPassword);
            laptop.save();
            assertEquals(Optional.of("7"), auth.verify(m.session(laptop.getSessionKey()), newPassword));
            Session phoneNext = m.session(phone.getSessionKey());
            assertEquals(Optional.empty(), auth.verify(phoneNext, newPassword));
            assertTrue(phoneNext.isEmpty(), "the other session was flushed");
        }
    }

    @Test
    void aHashMadeWithAFallbackSecret_isAcceptedOnceAndRenewed() {
        String key;
        try (SessionManager old = manager("old-secret", List.of())) {
            Session s = old.newSession();
            new SessionAuth(old.settings()).login(s, "9", null, PASSWORD);
            s.save();
            key = s.getSessionKey();
        }
        try (SessionManager m = manager("new-secret", List.of("old-secret"))) {
            // The stored session itself is signed with the old key; carry it over by re-saving.
            SessionAuth auth = new SessionAuth(m.settings());
            Session s = m.newSession();
            s.put(SessionAuth.USER_ID, "9");
            s.put(
                    SessionAuth.HASH,
                    new SessionAuth(SessionSettings.builder()
                                    .secretKey("old-secret")
                                    .build())
                            .sessionAuthHash(PASSWORD));
            s.save();
            String before = s.getSessionKey();
            assertEquals(Optional.of("9"), auth.verify(s, PASSWORD));
            assertNotEquals(before, s.getSessionKey(), "the key cycles when a fallback hash is upgraded");
            assertEquals(auth.sessionAuthHash(PASSWORD), s.get(SessionAuth.HASH));
            assertNotEquals(key, s.getSessionKey());
        }
    }
}
