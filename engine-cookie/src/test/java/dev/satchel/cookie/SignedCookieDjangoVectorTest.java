package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.internal.Base62;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DeliberateDifferences;
import dev.satchel.testing.DjangoVectors;
import dev.satchel.testing.DjangoView;
import dev.satchel.testing.MiddlewareVectors;
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
                        if (expiresEarlier(c, load)) {
                            String why = DeliberateDifferences.SIGNED_COOKIE_ENFORCES_CUSTOM_EXPIRY.toString();
                            assertEquals("{}", jsonOf(s), why);
                            assertTrue(s.isModified(), why);
                            return;
                        }
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
        int loads = 0;
        for (JsonNode c : SESSIONS.get("signed_cookies_values")) {
            loads += c.get("loads").size();
        }
        assertEquals(loads, tests.size(), "every cookie, read at each recorded instant");
        assertTrue(loads > 0, "no signed cookie in " + DjangoVectors.source());
        return tests.stream();
    }

    /**
     * Whether Satchel, unlike Django, rejects this cookie at this load because the session's own
     * integer expiry has passed ({@link DeliberateDifferences#SIGNED_COOKIE_ENFORCES_CUSTOM_EXPIRY}).
     */
    private static boolean expiresEarlier(JsonNode cookieCase, JsonNode load) {
        if (load.get("modified_after_load").asBoolean()) {
            return false; // Django rejected it too
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) JSON.deserialize(
                payloadJson(cookieCase.get("payload_id").asText()).getBytes(StandardCharsets.ISO_8859_1));
        String cookie = cookieCase.get("cookie_value").asText();
        String[] parts = cookie.split(":");
        long signedAt = Base62.decode(parts[parts.length - 2]);
        return DeliberateDifferences.signedCookieExpiresEarlier(
                data.get(Session.EXPIRY_KEY), signedAt, load.get("now").decimalValue());
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
        // Replaced by an empty session's cookie: the one Django signed for the empty payload, at its time.
        JsonNode empty = null;
        for (JsonNode c : SESSIONS.get("signed_cookies_values")) {
            if (payloadJson(c.get("payload_id").asText()).equals("{}")) {
                empty = c;
            }
        }
        assertTrue(empty != null, "no cookie for an empty session in " + DjangoVectors.source());
        MutableClock clock = new MutableClock(at(empty.get("now")));
        try (SessionManager sessions =
                manager(settings(empty.get("SESSION_COOKIE_AGE").asLong()), clock)) {
            Session s = sessions.session(t.get("input").asText());
            assertEquals(t.get("loaded_json_text").asText(), jsonOf(s));
            assertEquals(t.get("modified_after_load").asBoolean(), s.isModified());
            assertEquals(1, log.warnings().size(), log.warnings().toString());
            s.save();
            assertEquals(empty.get("cookie_value").asText(), s.getSessionKey());
        }
    }

    // ------------------------------------------------------------------ middleware cycles

    /** The signed-cookies cases of middleware.json, replayed with Django's response-phase rules. */
    @TestFactory
    Stream<DynamicTest> middlewareCycles_sendDjangosHeaders() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : MIDDLEWARE.get("cases")) {
            if (MiddlewareVectors.signedCookies(c)) {
                tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> replay(c)));
            }
        }
        assertTrue(!tests.isEmpty(), "no signed_cookies middleware case in " + DjangoVectors.source());
        return tests.stream();
    }

    private void replay(JsonNode c) {
        log.clear();
        Instant now = at(c.get("now"));
        SessionSettings settings = djangoSettings(c.get("settings"));
        String header = c.get("request_cookie_header").isNull()
                ? null
                : c.get("request_cookie_header").asText();
        String cookie = header == null ? null : header.substring(header.indexOf('=') + 1);
        List<String> setCookies = new ArrayList<>();
        String vary = null;
        Session s;
        try (SessionManager sessions = manager(settings, new MutableClock(now))) {
            s = sessions.session(cookie);
            DjangoView view = MiddlewareVectors.view(c);
            view.run(s);
            vary = view.vary();
            // Django's SessionMiddleware.process_response (B.5.2), status 200.
            boolean accessed = s.isAccessed();
            boolean modified = s.isModified();
            boolean empty = s.isEmpty();
            if (cookie != null && empty) {
                setCookies.add(settings.cookieName() + "=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path="
                        + settings.cookiePath() + "; SameSite="
                        + settings.cookieSameSite().orElseThrow());
                vary = withCookie(vary);
            } else {
                if (accessed) {
                    vary = withCookie(vary);
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
                    vary = withCookie(vary);
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

    /** Django's {@code patch_vary_headers(response, ('Cookie',))}: adds Cookie unless already there or {@code *}. */
    private static String withCookie(String vary) {
        if (vary == null) {
            return "Cookie";
        }
        for (String part : vary.split(",")) {
            if (part.trim().equals("*") || part.trim().equalsIgnoreCase("Cookie")) {
                return vary;
            }
        }
        return vary + ", Cookie";
    }

    /**
     * Every Set-Cookie Django sent that set a session (any engine, every attribute combination) is
     * what {@link SetCookieSize} renders for the same settings, so the size guard measures the real
     * header.
     */
    @Test
    void setCookieRendering_matchesEveryDjangoHeader() {
        int checked = 0;
        int refused = 0;
        for (JsonNode c : MIDDLEWARE.get("cases")) {
            for (JsonNode sc : c.get("set_cookie")) {
                String line = sc.asText();
                JsonNode attrs = c.get("cookie_attributes");
                if (attrs == null || attrs.get("value").asText().isEmpty()) {
                    continue; // a deletion cookie: not the engines' business
                }
                List<DeliberateDifferences.Difference> differences =
                        DeliberateDifferences.refusedCookieSettings(c.get("settings"));
                if (!differences.isEmpty()) {
                    assertThrows(
                            SessionConfigurationException.class,
                            () -> djangoSettings(c.get("settings")),
                            c.get("id").asText() + ": " + differences);
                    refused++;
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
                int worst = header.worstCaseBytes(
                        value, now, maxAge == null ? now.plus(settings.cookieAge()) : now.plusSeconds(maxAge));
                assertTrue(worst >= line.length(), "the guard never underestimates: " + c.get("id"));
                checked++;
            }
        }
        assertTrue(checked > 0, "no session-setting header in " + DjangoVectors.source());
        System.out.println("Set-Cookie headers rendered as Django: " + checked
                + "; settings Satchel refuses on purpose: " + refused);
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
