package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionTooLargeException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The size guard: a session whose Set-Cookie header could exceed 4096 bytes is refused at save, and
 * the client's current cookie stays valid. Also measures which standard payload fits.
 */
class CookieSizeGuardTest {
    private static final String SECRET = "size-guard-test-secret-0123456789abcdefghijklmnopq";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);

    private SessionManager manager(Function<EngineContext, SessionEngine> engine, SessionSettings settings) {
        return SessionManager.builder(settings).clock(clock).engine(engine).build();
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().secretKey(SECRET);
    }

    /** Random letters and digits: compress poorly, like real tokens. */
    private static String noise(int chars, long seed) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void headerOfExactly4096Bytes_passes_and4097_isRefused() {
        SessionSettings s = settings().build();
        SessionEngine engine = new SignedCookieEngine(EngineContext.of(s, clock));
        SetCookieSize header = new SetCookieSize(s);
        Instant expiry = NOW.plusSeconds(1_209_600);
        int overhead = (header.render("A", 1_209_600L, expiry).length() - 1);
        String fits = "A".repeat(4096 - overhead);
        assertEquals(4096, header.render(fits, 1_209_600L, expiry).length());
        assertEquals(fits, engine.save("k", SessionRecord.of(fits, expiry), SaveMode.UPDATE));
        SessionTooLargeException e = assertThrows(
                SessionTooLargeException.class,
                () -> engine.save("k", SessionRecord.of(fits + "A", expiry), SaveMode.UPDATE));
        assertTrue(e.getMessage().contains("4097 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("4096-byte limit"), e.getMessage());
    }

    @Test
    void theWorstCaseCounts_expiresAndMaxAge_evenForBrowserSessionCookies() {
        SessionSettings s = settings().expireAtBrowserClose(true).build();
        SessionEngine engine = new SignedCookieEngine(EngineContext.of(s, clock));
        SetCookieSize header = new SetCookieSize(s);
        Instant expiry = NOW.plusSeconds(1_209_600);
        String value = "A".repeat(4096 - (header.render("A", 1_209_600L, expiry).length() - 1) + 1);
        assertTrue(header.render(value, null, null).length() < 4096, "fits without expires and Max-Age");
        assertThrows(
                SessionTooLargeException.class,
                () -> engine.save("k", SessionRecord.of(value, expiry), SaveMode.UPDATE),
                "but the session may set an expiry later, so the worst case decides");
    }

    @Test
    void aWiderMaxAge_domainAndSecure_countToo() {
        SessionSettings plain = settings().build();
        SessionSettings decorated =
                settings().cookieDomain("shop.example.com").cookieSecure(true).build();
        SetCookieSize header = new SetCookieSize(plain);
        Instant expiry = NOW.plusSeconds(1_209_600);
        String value = "A".repeat(4096 - (header.render("A", 1_209_600L, expiry).length() - 1));
        SessionEngine engine = new SignedCookieEngine(EngineContext.of(plain, clock));
        engine.save("k", SessionRecord.of(value, expiry), SaveMode.UPDATE);
        assertThrows(
                SessionTooLargeException.class,
                () -> engine.save("k", SessionRecord.of(value, NOW.plusSeconds(99_999_999)), SaveMode.UPDATE),
                "an eight-digit Max-Age is one byte more");
        SessionEngine withDomain = new SignedCookieEngine(EngineContext.of(decorated, clock));
        assertThrows(
                SessionTooLargeException.class,
                () -> withDomain.save("k", SessionRecord.of(value, expiry), SaveMode.UPDATE));
    }

    @Test
    void aSessionTooLarge_throwsAtSave_andTheCurrentCookieStaysValid() {
        for (Function<EngineContext, SessionEngine> engine :
                List.<Function<EngineContext, SessionEngine>>of(SignedCookieEngine::new, EncryptedCookieEngine::new)) {
            try (SessionManager sessions = manager(engine, settings().build())) {
                Session first = sessions.newSession();
                first.put("user", "alice");
                first.save();
                String cookie = first.getSessionKey();

                Session next = sessions.session(cookie);
                next.put("token", noise(4000, 1));
                SessionTooLargeException e = assertThrows(SessionTooLargeException.class, next::save);
                assertTrue(e.getMessage().contains("4096"), e.getMessage());
                assertEquals(cookie, next.getSessionKey(), "the session keeps the cookie the client holds");
                assertEquals("alice", sessions.session(cookie).get("user"), "and that cookie still loads");

                next.remove("token");
                next.save();
                assertEquals("alice", sessions.session(next.getSessionKey()).get("user"));
            }
        }
    }

    @Test
    void standardPayloads_whichFitInACookie() throws IOException {
        JsonSerializer json = JsonSerializer.create();
        Map<String, Integer> jsonBytes = new LinkedHashMap<>();
        StringBuilder report = new StringBuilder("Set-Cookie header bytes (default attributes):\n");
        for (String engineName : List.of("signed_cookies", "encrypted_cookies")) {
            Function<EngineContext, SessionEngine> engine =
                    engineName.equals("signed_cookies") ? SignedCookieEngine::new : EncryptedCookieEngine::new;
            SessionSettings s = settings().build();
            SetCookieSize header = new SetCookieSize(s);
            try (SessionManager sessions = manager(engine, s)) {
                for (String payload : List.of("small", "medium", "large")) {
                    byte[] bytes;
                    try (InputStream in = getClass().getResourceAsStream("/payloads/" + payload + ".json")) {
                        bytes = in.readAllBytes();
                    }
                    jsonBytes.put(payload, bytes.length);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data = (Map<String, Object>) json.deserialize(bytes);
                    String value = sessions.engine().codec().encode(data);
                    int headerBytes = header.render(value, 1_209_600L, NOW.plus(Duration.ofDays(14)))
                            .length();
                    Session session = sessions.newSession();
                    session.putAll(data);
                    boolean saved;
                    try {
                        session.save();
                        saved = true;
                    } catch (SessionTooLargeException e) {
                        saved = false;
                    }
                    assertEquals(headerBytes <= 4096, saved, payload + " with " + engineName);
                    report.append(String.format(
                            "  %-17s %-6s json %5d B -> value %5d chars, header %5d B: %s%n",
                            engineName,
                            payload,
                            bytes.length,
                            value.length(),
                            headerBytes,
                            saved ? "fits" : "refused (SessionTooLargeException)"));
                    // Measured: even large.json (32 KB of JSON) compresses to a cookie under 3 KB.
                    assertTrue(saved, payload + " fits with " + engineName + ": " + headerBytes + " B");
                    assertEquals(value.length(), session.getSessionKey().length(), "same size through Session");
                }
            }
        }
        System.out.print(report);
        assertEquals(17, jsonBytes.get("small"));
        assertEquals(1005, jsonBytes.get("medium"));
        assertEquals(32720, jsonBytes.get("large"));
    }
}
