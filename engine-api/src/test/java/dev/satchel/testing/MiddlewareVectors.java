package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.Session;
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
 * <p>One case differs on purpose: the vectors come from Django 3.2, which sent {@code Set-Cookie}
 * without {@code Vary: Cookie} for an untouched session under save-every-request; Django 5 (and
 * Satchel) add it (SPEC B.5.2).
 */
public final class MiddlewareVectors {
    /** Cases where Satchel follows Django 5 rather than the 3.2 that recorded the vectors. */
    public static final Map<String, String> DJANGO5_VARY = Map.of("save-every-request-untouched-existing", "Cookie");

    private static final JsonNode V = DjangoVectors.load("middleware.json");

    private MiddlewareVectors() {}

    /** Every case, for counting. */
    public static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        V.get("cases").forEach(out::add);
        return out;
    }

    /** Whether a case runs on the signed-cookie engine (else Django's cache engine). */
    public static boolean signedCookies(JsonNode c) {
        return c.get("settings").get("SESSION_ENGINE").asText().endsWith("signed_cookies");
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
        SessionSettings.Builder b = SessionSettings.builder()
                .secretKey(V.get("meta").get("secret_key").asText());
        if (s.has("SESSION_COOKIE_AGE")) {
            b.cookieAgeSeconds(s.get("SESSION_COOKIE_AGE").asLong());
        }
        if (s.has("SESSION_SAVE_EVERY_REQUEST")) {
            b.saveEveryRequest(s.get("SESSION_SAVE_EVERY_REQUEST").asBoolean());
        }
        if (s.has("SESSION_EXPIRE_AT_BROWSER_CLOSE")) {
            b.expireAtBrowserClose(s.get("SESSION_EXPIRE_AT_BROWSER_CLOSE").asBoolean());
        }
        // Django accepts cookie attribute combinations Satchel's settings refuse (SameSite=None
        // without Secure, an insecure __Host- name): describe the cookie directly, as Django had it.
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
                Map<String, Object> data = new LinkedHashMap<>(Map.of("k", "existing"));
                manager.engine()
                        .save(
                                value,
                                SessionRecord.of(manager.engine().codec().encode(data), now.plusSeconds(3600)),
                                SaveMode.CREATE);
            }
            Session session = middleware.open(value);
            String vary = view(c.get("view").asText(), session);
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
            String expectedVary = DJANGO5_VARY.getOrDefault(c.get("id").asText(), text(c, "vary", null));
            assertEquals(expectedVary, vary, "Vary");
            if (signedCookies(c)
                    && !c.get("set_cookie").isEmpty()
                    && !c.get("session_key_after").isNull()) {
                assertEquals(c.get("session_key_after").asText(), session.getSessionKey(), "the signed cookie value");
            }
        }
    }

    private static String view(String view, Session s) {
        switch (view) {
            case "write" -> s.put("k", "v");
            case "read" -> s.get("k");
            case "none" -> {}
            case "flush" -> s.flush();
            case "clear" -> s.clear();
            case "set_expiry_seconds" -> {
                s.put("k", "v");
                s.setExpiry(600);
            }
            case "set_expiry_0" -> {
                s.put("k", "v");
                s.setExpiry(0);
            }
            case "write_500" -> s.put("k", "v");
            case "write_with_vary" -> {
                s.put("k", "v");
                return "Accept-Encoding";
            }
            case "read_with_vary_star" -> {
                s.get("k");
                return "*";
            }
            case "cycle_key" -> s.cycleKey();
            default -> throw new IllegalArgumentException("unknown view " + view);
        }
        return null;
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

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
