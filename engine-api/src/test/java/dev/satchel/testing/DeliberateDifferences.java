package dev.satchel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every place where Satchel differs from Django on purpose, named once with Satchel's rule and the
 * reason. The vector tests ask here what to expect from a case instead of skipping it or writing the
 * expected result by hand, so a case of any vector set either matches Django or falls under one of
 * these named differences.
 */
public final class DeliberateDifferences {
    /** One deliberate difference: a short name, what Satchel does instead of Django, and why. */
    public record Difference(String name, String satchel, String reason) {
        @Override
        public String toString() {
            return name + ": " + satchel + " (" + reason + ")";
        }
    }

    /** Settings refused: SameSite=None without Secure. */
    public static final Difference SAMESITE_NONE_NEEDS_SECURE = new Difference(
            "samesite-none-needs-secure",
            "Satchel refuses SESSION_COOKIE_SAMESITE=None without SESSION_COOKIE_SECURE at start-up; Django sends"
                    + " the cookie",
            "browsers drop a SameSite=None cookie that is not Secure, so no session would ever stick");

    /** Settings refused: a {@code __Secure-} / {@code __Host-} cookie name the browser would drop. */
    public static final Difference COOKIE_PREFIX_NEEDS_SECURE = new Difference(
            "cookie-prefix-needs-secure",
            "Satchel refuses a __Secure- cookie name without Secure, and a __Host- name without Secure, with a"
                    + " Domain or with a Path other than /; Django sends the cookie",
            "browsers reject such cookies, so every login would silently fail");

    /** Serializer: non-string dict keys. */
    public static final Difference NON_STRING_KEYS_REFUSED = new Difference(
            "non-string-keys-refused",
            "Satchel refuses a dict key that is not a string; Django's JSON writes it as a string",
            "the value would read back under a key of another type");

    /** Decode: validly signed data Django's decode raises on. */
    public static final Difference EMPTY_SESSION_WHERE_DJANGO_RAISES = new Difference(
            "empty-session-where-django-raises",
            "Satchel returns an empty session where Django's decode raises on validly signed malformed data",
            "a bad cookie or row never surfaces as an exception in the application");

    /** Decode: validly signed data that is not a JSON object. */
    public static final Difference NON_OBJECT_IS_NO_SESSION = new Difference(
            "non-object-is-no-session",
            "Satchel returns an empty session for validly signed data that is not a JSON object; Django returns"
                    + " the value itself as the session",
            "a session is a dict: anything else is corrupt data");

    /** Expiry: a timedelta/datetime expiry under the JSON serializer. */
    public static final Difference DATETIME_EXPIRY_AS_ISO_STRING = new Difference(
            "datetime-expiry-as-iso-string",
            "Satchel stores set_expiry(timedelta or datetime) as an ISO-8601 string, as Django 4+ does; Django"
                    + " 3.2's JSONSerializer cannot encode it and the save fails",
            "the setting must work with the JSON serializer");

    /** Middleware: Vary on a cookie sent for an untouched session. */
    public static final Difference VARY_COOKIE_WHENEVER_COOKIE_SENT = new Difference(
            "vary-cookie-whenever-cookie-sent",
            "Satchel adds Vary: Cookie whenever it sends the session cookie, as Django 5 does; Django 3.x left it"
                    + " out for an untouched session under SESSION_SAVE_EVERY_REQUEST",
            "a shared cache must not hand one user's Set-Cookie to another");

    /** File engine: integer custom expiry enforced server-side. */
    public static final Difference FILE_ENGINE_ENFORCES_CUSTOM_EXPIRY = new Difference(
            "file-engine-enforces-custom-expiry",
            "Satchel's file engine expires a session at its set_expiry(seconds) age after the last write; Django's"
                    + " file engine ignores an integer expiry server-side and keeps the file for the cookie age",
            "a session the application limited must not outlive the limit on the server");

    /** Signed cookies: integer custom expiry enforced. */
    public static final Difference SIGNED_COOKIE_ENFORCES_CUSTOM_EXPIRY = new Difference(
            "signed-cookie-enforces-custom-expiry",
            "Satchel rejects a signed cookie older than its set_expiry(seconds) age; Django checks only"
                    + " SESSION_COOKIE_AGE (Django ticket #19201)",
            "a copied cookie must not stay valid past the expiry the application set");

    /** All of them, for reports. */
    public static final List<Difference> ALL = List.of(
            SAMESITE_NONE_NEEDS_SECURE,
            COOKIE_PREFIX_NEEDS_SECURE,
            NON_STRING_KEYS_REFUSED,
            EMPTY_SESSION_WHERE_DJANGO_RAISES,
            NON_OBJECT_IS_NO_SESSION,
            DATETIME_EXPIRY_AS_ISO_STRING,
            VARY_COOKIE_WHENEVER_COOKIE_SENT,
            FILE_ENGINE_ENFORCES_CUSTOM_EXPIRY,
            SIGNED_COOKIE_ENFORCES_CUSTOM_EXPIRY);

    private DeliberateDifferences() {}

    /**
     * The differences that make Satchel refuse Django cookie settings (a {@code settings} object of
     * the vectors: {@code SESSION_COOKIE_NAME}, {@code _SECURE}, {@code _SAMESITE}, {@code _DOMAIN},
     * {@code _PATH}); empty when Satchel accepts them.
     */
    public static List<Difference> refusedCookieSettings(JsonNode djangoSettings) {
        boolean secure = djangoSettings.path("SESSION_COOKIE_SECURE").asBoolean(false);
        String name = djangoSettings.path("SESSION_COOKIE_NAME").asText("sessionid");
        JsonNode sameSite = djangoSettings.path("SESSION_COOKIE_SAMESITE");
        JsonNode domain = djangoSettings.path("SESSION_COOKIE_DOMAIN");
        String path = djangoSettings.path("SESSION_COOKIE_PATH").asText("/");
        List<Difference> out = new ArrayList<>();
        if (!secure
                && sameSite.isTextual()
                && sameSite.asText().toLowerCase(Locale.ROOT).equals("none")) {
            out.add(SAMESITE_NONE_NEEDS_SECURE);
        }
        boolean hasDomain = domain.isTextual() && !domain.asText().isEmpty();
        if ((name.startsWith("__Secure-") && !secure)
                || (name.startsWith("__Host-") && (!secure || hasDomain || !path.equals("/")))) {
            out.add(COOKIE_PREFIX_NEEDS_SECURE);
        }
        return out;
    }

    /** Why Satchel's session differs from Django's decode result for a {@code sessions.json} decode case. */
    public static Optional<Difference> decode(JsonNode decodeCase) {
        if (!decodeCase.path("outcome").asText().equals("ok")) {
            return Optional.of(EMPTY_SESSION_WHERE_DJANGO_RAISES);
        }
        if (!decodeCase.path("result_json_text").asText().startsWith("{")) {
            return Optional.of(NON_OBJECT_IS_NO_SESSION);
        }
        return Optional.empty();
    }

    /** The session Satchel gives for a decode case, as compact JSON: Django's, or empty where it differs. */
    public static String expectedDecodedJson(JsonNode decodeCase) {
        return decode(decodeCase).isPresent()
                ? "{}"
                : decodeCase.path("result_json_text").asText();
    }

    /**
     * The {@code Vary} header Satchel sends for a middleware case: Django's, with {@code Cookie} added
     * where {@link #VARY_COOKIE_WHENEVER_COOKIE_SENT} applies.
     */
    public static String expectedVary(JsonNode middlewareCase) {
        JsonNode vary = middlewareCase.path("vary");
        String django = vary.isTextual() ? vary.asText() : null;
        if (varyDiffers(middlewareCase)) {
            return django == null ? "Cookie" : django + ", Cookie";
        }
        return django;
    }

    /** Whether {@link #VARY_COOKIE_WHENEVER_COOKIE_SENT} applies to a middleware case. */
    public static boolean varyDiffers(JsonNode middlewareCase) {
        JsonNode vary = middlewareCase.path("vary");
        boolean hasCookie = vary.isTextual()
                && (vary.asText().contains("*")
                        || List.of(vary.asText().split("\\s*,\\s*")).contains("Cookie"));
        return !middlewareCase.path("set_cookie").isEmpty() && !hasCookie;
    }

    /**
     * Whether {@link #SIGNED_COOKIE_ENFORCES_CUSTOM_EXPIRY} makes Satchel reject a signed cookie Django
     * accepted: the session holds a positive integer {@code _session_expiry} and, at {@code now}, more
     * than that many seconds have passed since the signing time (whole seconds, as signed).
     */
    public static boolean signedCookieExpiresEarlier(Object sessionExpiry, long signedAtEpochSecond, BigDecimal now) {
        if (!(sessionExpiry instanceof Number n) || n.longValue() <= 0) {
            return false;
        }
        return now.compareTo(BigDecimal.valueOf(signedAtEpochSecond + n.longValue())) > 0;
    }

    /**
     * Whether {@link #FILE_ENGINE_ENFORCES_CUSTOM_EXPIRY} makes Satchel's file engine drop a session
     * Django's keeps: a positive integer expiry shorter than the cookie age, past at {@code secondsSinceWrite}.
     */
    public static boolean fileEngineExpiresEarlier(
            Object sessionExpiry, long secondsSinceWrite, long cookieAgeSeconds) {
        if (!(sessionExpiry instanceof Number n) || n.longValue() <= 0) {
            return false;
        }
        return secondsSinceWrite > n.longValue() && secondsSinceWrite <= cookieAgeSeconds;
    }
}
