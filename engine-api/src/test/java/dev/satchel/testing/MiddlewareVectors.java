package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.web.SessionCookieSpec;
import dev.satchel.web.SessionCookies;
import dev.satchel.web.SessionMiddleware;
import dev.satchel.web.SessionResponse;
import dev.satchel.web.SetCookieHeader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.DynamicTest;

/**
 * Replays {@code middleware.json}: each case builds the request Django saw, runs the view against a
 * real {@link Session} through {@link SessionMiddleware}, and compares the {@code Set-Cookie} and
 * {@code Vary} headers with Django's (normalised where keys and dates are random).
 *
 * <p>Each view does what its description in the file's {@code views} map says ({@link DjangoView}).
 * Where Satchel differs on purpose ({@link DeliberateDifferences#VARY_COOKIE_WHENEVER_COOKIE_SENT}),
 * the expected header comes from {@link DeliberateDifferences#expectedVary}.
 */
public final class MiddlewareVectors {
    private static final JsonNode V = DjangoVectors.load("middleware.json");

    private MiddlewareVectors() {}

    /** Every case, for counting. */
    public static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        V.get("cases").forEach(out::add);
        return out;
    }

    /** The secret key the set was made with. */
    public static String secretKey() {
        return V.get("meta").get("secret_key").asText();
    }

    /** Whether a case runs on the signed-cookie engine (else Django's cache engine). */
    public static boolean signedCookies(JsonNode c) {
        return c.get("settings").get("SESSION_ENGINE").asText().endsWith("signed_cookies");
    }

    /** The view a case ran, read from the file's description of it. */
    public static DjangoView view(JsonNode c) {
        JsonNode description = V.get("views").get(c.get("view").asText());
        if (description == null) {
            throw new AssertionError("middleware.json describes no view " + c.get("view"));
        }
        return DjangoView.parse(description.asText());
    }

    /**
     * Dynamic tests for the selected cases.
     *
     * @param managers builds a manager for settings and a clock (the engine is the caller's)
     */
    public static List<DynamicTest> tests(
            Predicate<JsonNode> select, BiFunction<SessionSettings, Clock, SessionManager> managers) {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("cases")) {
            if (select.test(c)) {
                tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c, managers)));
            }
        }
        return tests;
    }

    private static Instant at(double seconds) {
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
    }

    private static void run(JsonNode c, BiFunction<SessionSettings, Clock, SessionManager> managers) {
        JsonNode s = c.get("settings");
        SessionSettings.Builder b = SessionSettings.builder().secretKey(secretKey());
        if (s.has("SESSION_COOKIE_AGE")) {
            b.cookieAgeSeconds(s.get("SESSION_COOKIE_AGE").asLong());
        }
        if (s.has("SESSION_SAVE_EVERY_REQUEST")) {
            b.saveEveryRequest(s.get("SESSION_SAVE_EVERY_REQUEST").asBoolean());
        }
        if (s.has("SESSION_EXPIRE_AT_BROWSER_CLOSE")) {
            b.expireAtBrowserClose(s.get("SESSION_EXPIRE_AT_BROWSER_CLOSE").asBoolean());
        }
        // Django accepts cookie attribute combinations Satchel's settings refuse on purpose: check the
        // refusal, then describe the cookie directly, as Django had it, to compare the headers.
        List<DeliberateDifferences.Difference> refused = DeliberateDifferences.refusedCookieSettings(s);
        SessionSettings.Builder withCookie =
                cookieSettings(SessionSettings.builder().secretKey(secretKey()), s);
        if (refused.isEmpty()) {
            withCookie.build();
        } else {
            SessionConfigurationException e =
                    assertThrows(SessionConfigurationException.class, withCookie::build, refused.toString());
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("secure"), e.getMessage());
        }
        String name = text(s, "SESSION_COOKIE_NAME", "sessionid");
        SessionCookieSpec cookie = new SessionCookieSpec(
                name,
                text(s, "SESSION_COOKIE_DOMAIN", null),
                text(s, "SESSION_COOKIE_PATH", "/"),
                s.has("SESSION_COOKIE_SECURE") && s.get("SESSION_COOKIE_SECURE").asBoolean(),
                !s.has("SESSION_COOKIE_HTTPONLY")
                        || s.get("SESSION_COOKIE_HTTPONLY").asBoolean(),
                s.has("SESSION_COOKIE_SAMESITE") ? text(s, "SESSION_COOKIE_SAMESITE", null) : "Lax");
        Instant now = at(c.get("now").asDouble());
        try (SessionManager manager = managers.apply(b.build(), Clock.fixed(now, ZoneOffset.UTC))) {
            SessionMiddleware middleware = new SessionMiddleware(manager, cookie);
            String header = c.get("request_cookie_header").isNull()
                    ? null
                    : c.get("request_cookie_header").asText();
            String value = SessionCookies.find(header, name);
            boolean hadCookie = header != null && header.contains(name + "=");
            if ("existing".equals(text(c, "incoming_session", null)) && !signedCookies(c)) {
                // The stored session's content is not recorded (only the headers are): any data will do.
                Map<String, Object> data = new LinkedHashMap<>(Map.of("stored", "before the request"));
                manager.engine()
                        .save(
                                value,
                                SessionRecord.of(manager.engine().codec().encode(data), now.plusSeconds(3600)),
                                SaveMode.CREATE);
            }
            Session session = middleware.open(value);
            DjangoView view = view(c);
            view.run(session);
            String vary = view.vary();
            SessionResponse response =
                    middleware.finish(session, hadCookie, c.get("status_code").asInt());
            if (response.varyCookie()) {
                vary = SessionResponse.mergeVary(vary);
            }
            List<String> expected = new ArrayList<>();
            c.get("set_cookie_normalized").forEach(n -> expected.add(n.asText()));
            List<String> actual = new ArrayList<>();
            response.setCookie().ifPresent(sc -> actual.add(normalise(sc, session, signedCookies(c))));
            assertEquals(expected, actual, "Set-Cookie");
            if (c.has("expected_expires_epoch")
                    && c.get("expected_expires_epoch").asLong() > 0) {
                String date = SetCookieHeader.httpDate(
                        Instant.ofEpochSecond(c.get("expected_expires_epoch").asLong()));
                assertTrue(response.setCookie().orElseThrow().contains("expires=" + date), "expires date");
            }
            assertEquals(DeliberateDifferences.expectedVary(c), vary, "Vary");
            if (signedCookies(c)
                    && !c.get("set_cookie").isEmpty()
                    && !c.get("session_key_after").isNull()) {
                assertEquals(c.get("session_key_after").asText(), session.getSessionKey(), "the signed cookie value");
            }
        }
    }

    private static String normalise(String setCookie, Session session, boolean signed) {
        String out = setCookie;
        if (!signed && session.getSessionKey() != null) {
            out = out.replace("=" + session.getSessionKey() + ";", "={SESSION_KEY};");
        }
        if (!out.contains("expires=" + SetCookieHeader.EPOCH)) {
            out = out.replaceAll("expires=[^;]+ GMT", "expires={EXPIRES}");
        }
        return out;
    }

    /** Applies a case's cookie settings as Satchel's settings. */
    private static SessionSettings.Builder cookieSettings(SessionSettings.Builder b, JsonNode s) {
        s.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "SESSION_COOKIE_NAME" -> b.cookieName(v.asText());
                case "SESSION_COOKIE_SECURE" -> b.cookieSecure(v.asBoolean());
                case "SESSION_COOKIE_HTTPONLY" -> b.cookieHttpOnly(v.asBoolean());
                case "SESSION_COOKIE_SAMESITE" -> b.cookieSameSite(v.isNull() ? null : v.asText());
                case "SESSION_COOKIE_DOMAIN" -> b.cookieDomain(v.asText());
                case "SESSION_COOKIE_PATH" -> b.cookiePath(v.asText());
                default -> {}
            }
        });
        return b;
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
