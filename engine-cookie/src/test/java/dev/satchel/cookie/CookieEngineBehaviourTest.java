package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionEngines;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery, key rotation, custom expiry and the encrypted engine's confidentiality. */
class CookieEngineBehaviourTest {
    private static final String KEY_A = "rotation-key-A-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String KEY_B = "rotation-key-B-zyxwvutsrqponmlkjihgfedcba9876543210";
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private SecurityLogCapture log;

    @BeforeEach
    void setUp() {
        log = new SecurityLogCapture();
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    private SessionManager manager(Function<EngineContext, SessionEngine> engine, SessionSettings.Builder settings) {
        return SessionManager.builder(settings.build())
                .clock(clock)
                .engine(engine)
                .build();
    }

    private static SessionSettings.Builder key(String secret, String... fallbacks) {
        return SessionSettings.builder().secretKey(secret).secretKeyFallbacks(List.of(fallbacks));
    }

    private static String save(SessionManager sessions, String name, Object value) {
        Session s = sessions.newSession();
        s.put(name, value);
        s.save();
        return s.getSessionKey();
    }

    // ------------------------------------------------------------------ discovery

    @Test
    void discovery_byNameAndDjangoAlias() {
        assertInstanceOf(SignedCookieEngineProvider.class, SessionEngines.find("signed_cookies"));
        assertInstanceOf(
                SignedCookieEngineProvider.class,
                SessionEngines.find("django.contrib.sessions.backends.signed_cookies"));
        assertInstanceOf(EncryptedCookieEngineProvider.class, SessionEngines.find("encrypted_cookies"));
        assertTrue(SessionEngines.available().containsAll(List.of("signed_cookies", "encrypted_cookies")));
        for (String name : List.of("django.contrib.sessions.backends.signed_cookies", "encrypted_cookies")) {
            try (SessionManager sessions = SessionManager.builder(
                            key(KEY_A).engine(name).build())
                    .clock(clock)
                    .build()) {
                String cookie = save(sessions, "n", 1L);
                assertEquals(1L, sessions.session(cookie).get("n"), name);
                assertFalse(sessions.engine().storesRecords());
                assertTrue(sessions.clearExpired().isEmpty(), "cookies expire by themselves");
            }
        }
    }

    // ------------------------------------------------------------------ rotation

    @Test
    void rotation_readsUnderAFallbackKey_andResavesUnderTheCurrentOne() {
        for (Function<EngineContext, SessionEngine> engine :
                List.<Function<EngineContext, SessionEngine>>of(SignedCookieEngine::new, EncryptedCookieEngine::new)) {
            String underA;
            try (SessionManager old = manager(engine, key(KEY_A))) {
                underA = save(old, "user", "alice");
            }
            try (SessionManager rotated = manager(engine, key(KEY_B, KEY_A));
                    SessionManager onlyB = manager(engine, key(KEY_B))) {
                Session s = rotated.session(underA);
                assertEquals("alice", s.get("user"), "read under the fallback key");
                assertFalse(s.isModified());
                s.put("visits", 2L);
                s.save();
                String underB = s.getSessionKey();
                assertNotEquals(underA, underB);
                assertEquals("alice", onlyB.session(underB).get("user"), "re-saved under the current key");
                log.clear();
                assertNull(onlyB.session(underA).get("user"), "without the fallback the old cookie is refused");
                assertEquals(1, log.warnings().size());
            }
        }
    }

    // ------------------------------------------------------------------ custom expiry

    @Test
    void customExpiry_shorterThanTheCookieAge_isHonoured_andDjangoStillReadsTheCookie() throws Exception {
        try (SessionManager sessions = manager(SignedCookieEngine::new, key(KEY_A));
                SessionManager encrypted = manager(EncryptedCookieEngine::new, key(KEY_A))) {
            String[] cookies = new String[2];
            int i = 0;
            for (SessionManager m : List.of(sessions, encrypted)) {
                Session s = m.newSession();
                s.put("cart", "apples");
                s.setExpiry(300);
                s.save();
                cookies[i++] = s.getSessionKey();
            }
            clock.advance(Duration.ofSeconds(300));
            assertEquals("apples", sessions.session(cookies[0]).get("cart"), "alive at 300 s");
            assertEquals("apples", encrypted.session(cookies[1]).get("cart"), "alive at 300 s");
            clock.advance(Duration.ofSeconds(1));
            for (int k = 0; k < 2; k++) {
                Session late = (k == 0 ? sessions : encrypted).session(cookies[k]);
                assertNull(late.get("cart"), "gone after 300 s though the cookie age is two weeks");
                assertTrue(late.isModified(), "the expired cookie gets replaced");
            }
            // Django ignores the custom expiry (ticket #19201) but still reads the cookie.
            assertEquals(
                    "{\"cart\":\"apples\",\"_session_expiry\":300}",
                    DjangoSigningReference.loads(
                            cookies[0], KEY_A, SignedCookieEngine.SALT, 1_209_600, clock.instant()));
        }
    }

    @Test
    void customExpiry_atAnInstant_isHonoured() {
        try (SessionManager sessions = manager(SignedCookieEngine::new, key(KEY_A))) {
            Session s = sessions.newSession();
            s.put("a", 1L);
            s.setExpiry(START.plus(Duration.ofHours(1)));
            s.save();
            clock.advance(Duration.ofMinutes(59));
            assertEquals(1L, sessions.session(s.getSessionKey()).get("a"));
            clock.advance(Duration.ofMinutes(2));
            assertNull(sessions.session(s.getSessionKey()).get("a"));
        }
    }

    @Test
    void customExpiry_longerThanTheCookieAge_isCappedByIt_asInDjango() {
        try (SessionManager sessions =
                manager(SignedCookieEngine::new, key(KEY_A).cookieAgeSeconds(3600))) {
            Session s = sessions.newSession();
            s.put("a", 1L);
            s.setExpiry(7200);
            s.save();
            clock.advance(Duration.ofSeconds(3601));
            assertNull(sessions.session(s.getSessionKey()).get("a"), "the signature's max age still applies");
        }
    }

    // ------------------------------------------------------------------ encryption

    @Test
    void encryptedCookies_areUnreadableByTheClient() {
        try (SessionManager sessions = manager(EncryptedCookieEngine::new, key(KEY_A))) {
            String secretValue = "card-4111111111111111-secret";
            String cookie = save(sessions, "payment", secretValue);
            assertTrue(cookie.startsWith("v1."), cookie);
            assertFalse(cookie.contains(secretValue));
            String body = cookie.substring(cookie.lastIndexOf('.') + 1);
            String decoded = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.ISO_8859_1);
            assertFalse(decoded.contains("payment"), "not even the key names show");
            assertFalse(decoded.contains("card-4111"));
        }
    }

    @Test
    void encryptedCookies_useAFreshNonceEverySave() {
        try (SessionManager sessions = manager(EncryptedCookieEngine::new, key(KEY_A))) {
            Set<String> cookies = new HashSet<>();
            Set<String> nonces = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String cookie = save(sessions, "same", "data");
                cookies.add(cookie);
                byte[] blob = Base64.getUrlDecoder().decode(cookie.substring(cookie.lastIndexOf('.') + 1));
                nonces.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, 12)));
            }
            assertEquals(200, cookies.size(), "the same data never gives the same cookie");
            assertEquals(200, nonces.size());
        }
    }

    @Test
    void encryptedCookies_anyChangeToTheValue_loadsAnEmptySession() {
        try (SessionManager sessions = manager(EncryptedCookieEngine::new, key(KEY_A))) {
            String cookie = save(sessions, "user", "alice");
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
            int checked = 0;
            for (int i = 0; i < cookie.length(); i++) {
                for (char replacement : new char[] {'A', 'B', '.'}) {
                    char original = cookie.charAt(i);
                    char c = replacement == original ? (original == 'A' ? 'Q' : 'A') : replacement;
                    assertTrue(alphabet.indexOf(c) >= 0);
                    String changed = cookie.substring(0, i) + c + cookie.substring(i + 1);
                    log.clear();
                    Session s = sessions.session(changed);
                    assertEquals(0, s.size(), "position " + i + " changed to " + c);
                    assertEquals(1, log.warnings().size(), "position " + i + ": " + log.warnings());
                    checked++;
                }
            }
            assertEquals(3 * cookie.length(), checked);
        }
    }

    @Test
    void encryptedCookies_areBoundToTheCookieName() {
        String cookie;
        try (SessionManager a = manager(EncryptedCookieEngine::new, key(KEY_A).cookieName("app_a"))) {
            cookie = save(a, "role", "admin");
            assertEquals("admin", a.session(cookie).get("role"));
        }
        try (SessionManager b = manager(EncryptedCookieEngine::new, key(KEY_A).cookieName("app_b"))) {
            log.clear();
            assertNull(b.session(cookie).get("role"), "replayed under another cookie name");
            assertEquals(1, log.warnings().size());
        }
    }

    @Test
    void anUnencodableSecret_isAConfigurationError() {
        SessionSettings settings = key("bad-\ud800-secret-key-0123456789abcdef").build();
        assertThrows(
                SessionConfigurationException.class,
                () -> new EncryptedCookieEngine(EngineContext.of(settings, clock)));
    }
}
