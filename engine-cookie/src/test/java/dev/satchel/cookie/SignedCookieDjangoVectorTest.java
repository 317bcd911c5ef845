package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DjangoVectors;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code signed_cookies} cases of the Django vectors, each through a real {@link Session}:
 * Satchel reads every cookie Django wrote exactly as Django did (data and the "modified" flag, at now,
 * at the cookie age and just after), writes the same bytes Django writes (or, when compressed, a
 * cookie Django's {@code signing.loads} accepts with the same data), and over a request/response
 * cycle of Django's middleware sends the very {@code Set-Cookie} headers Django sent.
 */
class SignedCookieDjangoVectorTest {
    private static final JsonNode SESSIONS = DjangoVectors.load("sessions.json");
    private static final JsonNode MIDDLEWARE = DjangoVectors.load("middleware.json");
    private static final String SECRET = SESSIONS.get("meta").get("secret_key").asText();
    private static final JsonSerializer JSON = JsonSerializer.create();

    private SecurityLogCapture log;

    @BeforeEach
    void captureLog() {
        log = new SecurityLogCapture();
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    static Instant at(JsonNode epochSeconds) {
        BigDecimal s = epochSeconds.decimalValue();
        long whole = s.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        int nanos = s.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    private static SessionManager manager(SessionSettings settings, MutableClock clock) {
        return SessionManager.builder(settings)
                .clock(clock)
                .engine(new SignedCookieEngineProvider())
                .build();
    }

    private static SessionSettings settings(long cookieAge) {
        return SessionSettings.builder()
                .secretKey(SECRET)
                .cookieAgeSeconds(cookieAge)
                .build();
    }

    private static String jsonOf(Session s) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            data.put(e.getKey(), e.getValue());
        }
        return new String(JSON.serialize(data), StandardCharsets.ISO_8859_1);
    }

    private static String payloadJson(String payloadId) {
        for (JsonNode p : SESSIONS.get("payloads")) {
            if (p.get("id").asText().equals(payloadId)) {
                return p.get("json_text").asText();
            }
        }
        throw new AssertionError("no payload " + payloadId);
    }

    @TestFactory
    Stream<DynamicTest> djangoCookies_loadAsInDjango() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : SESSIONS.get("signed_cookies_values")) {
            String cookie = c.get("cookie_value").asText();
            for (JsonNode load : c.get("loads")) {
                String name =
                        c.get("payload_id").asText() + " " + load.get("label").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    MutableClock clock = new MutableClock(at(load.get("now")));
                    log.clear();
                    try (SessionManager sessions =
                            manager(settings(c.get("SESSION_COOKIE_AGE").asLong()), clock)) {
                        Session s = sessions.session(cookie);
                        assertEquals(load.get("loaded_json_text").asText(), jsonOf(s), "data");
                        assertEquals(load.get("modified_after_load").asBoolean(), s.isModified(), "modified");
                        boolean rejected = load.get("modified_after_load").asBoolean();
                        assertEquals(
                                rejected ? 1 : 0,
                                log.warnings().size(),
                                log.warnings().toString());
                        if (rejected) {
                            assertTrue(
                                    log.warnings().get(0).contains("expired"),
                                    log.warnings().get(0));
                        }
                    }
                }));
            }
        }
        assertEquals(36, tests.size(), "12 cookies, each read at three instants");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> satchelCookies_areDjangos() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : SESSIONS.get("signed_cookies_values")) {
            String id = c.get("payload_id").asText();
            tests.add(DynamicTest.dynamicTest(id, () -> {
                Instant now = at(c.get("now"));
                String json = payloadJson(id);
                String expected = c.get("cookie_value").asText();
                String written;
                try (SessionManager sessions =
                        manager(settings(c.get("SESSION_COOKIE_AGE").asLong()), new MutableClock(now))) {
                    Session s = sessions.newSession();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data =
                            (Map<String, Object>) JSON.deserialize(json.getBytes(StandardCharsets.ISO_8859_1));
                    s.putAll(data);
                    s.save();
                    written = s.getSessionKey();
                }
                assertEquals(expected.startsWith("."), written.startsWith("."), "compressed as Django decides");
                if (!c.get("compressed").asBoolean()) {
                    assertEquals(expected, written, "uncompressed: the very bytes Django writes");
                } else {
                    // zlib output may differ between zlib builds; Django must read the same data back.
                    System.out.println(
                            id + ": compressed cookie byte-identical to Django's: " + expected.equals(written));
                    assertEquals(
                            expected.substring(expected.indexOf(':'), expected.indexOf(':') + 8),
                            written.substring(written.indexOf(':'), written.indexOf(':') + 8),
                            "same timestamp");
                }
                assertEquals(
                        json,
                        DjangoSigningReference.loads(
                                written,
                                SECRET,
                                SignedCookieEngine.SALT,
                                c.get("SESSION_COOKIE_AGE").asLong(),
                                now),
                        "Django's signing.loads reads Satchel's cookie");
            }));
        }
        return tests.stream();
    }

    @Test
    void tamperedDjangoCookie_loadsEmpty_andIsReplaced() {
        JsonNode t = SESSIONS.get("signed_cookies_tampered");
        MutableClock clock = new MutableClock(at(SESSIONS.get("meta").get("now")));
        try (SessionManager sessions = manager(settings(1_209_600), clock)) {
            Session s = sessions.session(t.get("input").asText());
            assertEquals(t.get("loaded_json_text").asText(), jsonOf(s));
            assertEquals(t.get("modified_after_load").asBoolean(), s.isModified());
            assertEquals(1, log.warnings().size(), log.warnings().toString());
            s.save();
            assertEquals("e30:1r31eq:xGGRLry6yw69rI7N_B_f0AaZS9M52xQJRBj6RqIvVoU", s.getSessionKey());
        }
    }

    // ------------------------------------------------------------------ middleware cycles

    /** The signed-cookies cases of middleware.json, replayed with Django's response-phase rules. */
    @TestFactory
    Stream<DynamicTest> middlewareCycles_sendDjangosHeaders() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : MIDDLEWARE.get("cases")) {
            if (!c.get("id").asText().startsWith("signed-cookies")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> replay(c)));
        }
        assertEquals(7, tests.size());
        return tests.stream();
    }

    private void replay(JsonNode c) {
        log.clear();
        String secret = MIDDLEWARE.get("meta").get("secret_key").asText();
        Instant now = at(c.get("now"));
        SessionSettings settings = SessionSettings.builder().secretKey(secret).build();
        String header = c.get("request_cookie_header").isNull()
                ? null
                : c.get("request_cookie_header").asText();
        String cookie = header == null ? null : header.substring(header.indexOf('=') + 1);
        List<String> setCookies = new ArrayList<>();
        String vary = null;
        Session s;
        try (SessionManager sessions = manager(settings, new MutableClock(now))) {
            s = sessions.session(cookie);
            switch (c.get("view").asText()) {
                case "write" -> s.put("k", "v");
                case "read" -> s.get("k");
                case "flush" -> s.flush();
                case "clear" -> s.clear();
                case "none" -> {}
                default -> throw new AssertionError("view " + c.get("view"));
            }
            // Django's SessionMiddleware.process_response (B.5.2), status 200.
            boolean accessed = s.isAccessed();
            boolean modified = s.isModified();
            boolean empty = s.isEmpty();
            if (cookie != null && empty) {
                setCookies.add(settings.cookieName() + "=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path="
                        + settings.cookiePath() + "; SameSite="
                        + settings.cookieSameSite().orElseThrow());
                vary = "Cookie";
            } else {
                if (accessed) {
                    vary = "Cookie";
                }
                if ((modified || settings.saveEveryRequest()) && !empty) {
                    Long maxAge = null;
                    Instant expires = null;
                    if (!s.getExpireAtBrowserClose()) {
                        maxAge = s.getExpiryAge();
                        expires = Instant.ofEpochSecond(now.plusSeconds(maxAge).getEpochSecond());
                    }
                    s.save();
                    setCookies.add(new SetCookieSize(settings).render(s.getSessionKey(), maxAge, expires));
                    vary = "Cookie";
                }
            }
        }
        List<String> expected = new ArrayList<>();
        c.get("set_cookie").forEach(n -> expected.add(n.asText()));
        assertEquals(expected, setCookies, "Set-Cookie");
        assertEquals(c.get("vary").isNull() ? null : c.get("vary").asText(), vary, "Vary");
        JsonNode keyAfter = c.get("session_key_after");
        if (keyAfter.isNull()) {
            assertNull(s.getSessionKey());
        } else {
            assertEquals(keyAfter.asText(), s.getSessionKey(), "session key after the response");
        }
        boolean bad = !c.get("incoming_session").isNull()
                && !c.get("incoming_session").asText().equals("existing")
                && s.isAccessed();
        assertEquals(bad ? 1 : 0, log.warnings().size(), "one warning for each bad cookie read: " + log.warnings());
    }

    /**
     * Every Set-Cookie Django sent that set a session (any engine, every attribute combination) is
     * what {@link SetCookieSize} renders for the same settings, so the size guard measures the real
     * header.
     */
    @Test
    void setCookieRendering_matchesEveryDjangoHeader() {
        int checked = 0;
        for (JsonNode c : MIDDLEWARE.get("cases")) {
            for (JsonNode sc : c.get("set_cookie")) {
                String line = sc.asText();
                JsonNode attrs = c.get("cookie_attributes");
                if (attrs == null || attrs.get("value").asText().isEmpty()) {
                    continue; // a deletion cookie: not the engines' business
                }
                JsonNode sameSite = c.get("settings").get("SESSION_COOKIE_SAMESITE");
                JsonNode secure = c.get("settings").get("SESSION_COOKIE_SECURE");
                if (sameSite != null
                        && "none".equalsIgnoreCase(sameSite.asText())
                        && (secure == null || !secure.asBoolean())) {
                    // Satchel refuses SameSite=None without Secure at start-up (browsers drop it).
                    continue;
                }
                SessionSettings settings = djangoSettings(c.get("settings"));
                Long maxAge = attrs.has("max-age") ? attrs.get("max-age").asLong() : null;
                Instant expires = maxAge == null
                        ? null
                        : Instant.ofEpochSecond(c.get("expected_expires_epoch").asLong());
                SetCookieSize header = new SetCookieSize(settings);
                String value = attrs.get("value").asText();
                assertEquals(
                        line, header.render(value, maxAge, expires), c.get("id").asText());
                Instant now = at(c.get("now"));
                int worst = header.worstCaseBytes(value, now, now.plusSeconds(maxAge == null ? 1_209_600 : maxAge));
                assertTrue(worst >= line.length(), "the guard never underestimates: " + c.get("id"));
                checked++;
            }
        }
        assertEquals(25, checked, "every session-setting header in the vectors but one SameSite=None without Secure");
    }

    private static SessionSettings djangoSettings(JsonNode django) {
        SessionSettings.Builder b = SessionSettings.builder().secretKey(SECRET);
        django.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "SESSION_COOKIE_AGE" -> b.cookieAgeSeconds(v.asLong());
                case "SESSION_COOKIE_SECURE" -> b.cookieSecure(v.asBoolean());
                case "SESSION_COOKIE_HTTPONLY" -> b.cookieHttpOnly(v.asBoolean());
                case "SESSION_COOKIE_SAMESITE" -> b.cookieSameSite(v.isNull() ? null : v.asText());
                case "SESSION_COOKIE_DOMAIN" -> b.cookieDomain(v.asText());
                case "SESSION_COOKIE_PATH" -> b.cookiePath(v.asText());
                case "SESSION_COOKIE_NAME" -> b.cookieName(v.asText());
                case "SESSION_EXPIRE_AT_BROWSER_CLOSE" -> b.expireAtBrowserClose(v.asBoolean());
                case "SESSION_SAVE_EVERY_REQUEST" -> b.saveEveryRequest(v.asBoolean());
                case "SESSION_ENGINE" -> {}
                default -> throw new AssertionError("unmapped Django setting " + e.getKey());
            }
        });
        return b.build();
    }

    @Test
    void vectorsAreTheExpectedSet() {
        assertFalse(SESSIONS.get("signed_cookies_values").isEmpty(), "vectors from " + DjangoVectors.source());
    }
}
