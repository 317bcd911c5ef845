package dev.satchel;

import dev.satchel.internal.SensitiveValues;
import dev.satchel.signing.SigningAlgorithm;
import dev.satchel.spi.EngineProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Everything Satchel needs to know, immutable once built: Django's session settings plus the engine's
 * own keys. Build one with {@link #builder()} or load one with {@link #fromProperties(Properties)};
 * both validate at {@code build()} and report every problem at once, naming each setting.
 *
 * <p>Keys that belong to an engine ({@code satchel.db.*}, {@code satchel.cache.*}, {@code
 * satchel.file.*}, ...) are kept as strings and handed to that engine, which validates them itself.
 */
public final class SessionSettings {
    /** The Properties key of every core setting, with Django's name in the Javadoc. */
    public static final String ENGINE = "satchel.engine";
    /** {@code SECRET_KEY}. */
    public static final String SECRET_KEY = "satchel.secret-key";
    /** {@code SECRET_KEY_FALLBACKS}, comma separated. */
    public static final String SECRET_KEY_FALLBACKS = "satchel.secret-key-fallbacks";
    /** {@code SESSION_COOKIE_NAME}. */
    public static final String COOKIE_NAME = "satchel.cookie.name";
    /** {@code SESSION_COOKIE_AGE}: seconds, or an ISO-8601 duration such as {@code P14D}. */
    public static final String COOKIE_AGE = "satchel.cookie.age";
    /** {@code SESSION_COOKIE_DOMAIN}. */
    public static final String COOKIE_DOMAIN = "satchel.cookie.domain";
    /** {@code SESSION_COOKIE_PATH}. */
    public static final String COOKIE_PATH = "satchel.cookie.path";
    /** {@code SESSION_COOKIE_SECURE}. */
    public static final String COOKIE_SECURE = "satchel.cookie.secure";
    /** {@code SESSION_COOKIE_HTTPONLY}. */
    public static final String COOKIE_HTTP_ONLY = "satchel.cookie.http-only";
    /** {@code SESSION_COOKIE_SAMESITE}: Lax, Strict, None, or empty for no attribute. */
    public static final String COOKIE_SAME_SITE = "satchel.cookie.same-site";
    /**
     * The {@code Partitioned} cookie attribute (CHIPS), opt-in; requires {@link #COOKIE_SECURE}. Django
     * has no setting for it yet.
     */
    public static final String COOKIE_PARTITIONED = "satchel.cookie.partitioned";
    /** {@code SESSION_SAVE_EVERY_REQUEST}. */
    public static final String SAVE_EVERY_REQUEST = "satchel.save-every-request";
    /** {@code SESSION_EXPIRE_AT_BROWSER_CLOSE}. */
    public static final String EXPIRE_AT_BROWSER_CLOSE = "satchel.expire-at-browser-close";
    /** {@code SESSION_SERIALIZER}: {@code json} (Django's dotted name is accepted too). */
    public static final String SERIALIZER = "satchel.serializer";
    /** The HMAC hash: sha256 (Django's default), sha1 or sha512. */
    public static final String SIGNING_ALGORITHM = "satchel.signing.algorithm";
    /** The largest decoded session, in bytes, that Satchel will inflate or parse (default 1 MiB). */
    public static final String MAX_PAYLOAD_BYTES = "satchel.max-payload-bytes";

    /** What a save does when another request changed the session meanwhile: merge, fail or overwrite. */
    public static final String CONFLICTS = "satchel.conflicts";
    /** How many times a merging save reloads and retries before it gives up (default 5). */
    public static final String CONFLICT_RETRIES = "satchel.conflicts.max-retries";

    /** Also read Django 3.1/3.2's SHA-1 signatures and pre-3.1 session format (default false). */
    public static final String ACCEPT_DJANGO32_FORMATS = "satchel.signing.accept-django32-formats";

    static final Duration DEFAULT_COOKIE_AGE = Duration.ofSeconds(1_209_600);
    static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
    static final int DEFAULT_CONFLICT_RETRIES = 5;
    private static final Pattern COOKIE_TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9.\\-]+");
    private static final List<String> SERIALIZER_NAMES =
            List.of("json", "django.contrib.sessions.serializers.JSONSerializer", "django.core.signing.JSONSerializer");

    private final String engine;
    private final String secretKey;
    private final List<String> secretKeyFallbacks;
    private final String cookieName;
    private final Duration cookieAge;
    private final String cookieDomain;
    private final String cookiePath;
    private final boolean cookieSecure;
    private final boolean cookieHttpOnly;
    private final String cookieSameSite;
    private final boolean cookiePartitioned;
    private final boolean saveEveryRequest;
    private final boolean expireAtBrowserClose;
    private final String serializer;
    private final SigningAlgorithm signingAlgorithm;
    private final int maxPayloadBytes;
    private final boolean acceptDjango32Formats;
    private final ConflictPolicy conflictPolicy;
    private final int conflictRetries;
    private final Map<String, String> engineProperties;

    private SessionSettings(Builder b) {
        this.engine = b.engine == null ? "db" : b.engine;
        this.secretKey = b.secretKey;
        SensitiveValues.handled(secretKey);
        this.secretKeyFallbacks = b.secretKeyFallbacks == null ? List.of() : List.copyOf(b.secretKeyFallbacks);
        secretKeyFallbacks.forEach(SensitiveValues::handled);
        this.cookieName = b.cookieName == null ? "sessionid" : b.cookieName;
        this.cookieAge = b.cookieAge == null ? DEFAULT_COOKIE_AGE : b.cookieAge;
        this.cookieDomain = b.cookieDomain == null || b.cookieDomain.isEmpty() ? null : b.cookieDomain;
        this.cookiePath = b.cookiePath == null ? "/" : b.cookiePath;
        this.cookieSecure = b.cookieSecure != null && b.cookieSecure;
        this.cookieHttpOnly = b.cookieHttpOnly == null || b.cookieHttpOnly;
        this.cookieSameSite = b.cookieSameSiteSet ? b.cookieSameSite : "Lax";
        this.cookiePartitioned = b.cookiePartitioned != null && b.cookiePartitioned;
        this.saveEveryRequest = b.saveEveryRequest != null && b.saveEveryRequest;
        this.expireAtBrowserClose = b.expireAtBrowserClose != null && b.expireAtBrowserClose;
        this.serializer = b.serializer == null ? "json" : "json";
        this.signingAlgorithm = b.signingAlgorithm == null ? SigningAlgorithm.SHA256 : b.signingAlgorithm;
        this.maxPayloadBytes = b.maxPayloadBytes == null ? DEFAULT_MAX_PAYLOAD_BYTES : b.maxPayloadBytes;
        this.acceptDjango32Formats = b.acceptDjango32Formats != null && b.acceptDjango32Formats;
        this.conflictPolicy = b.conflictPolicy == null ? ConflictPolicy.MERGE : b.conflictPolicy;
        this.conflictRetries = b.conflictRetries == null ? DEFAULT_CONFLICT_RETRIES : b.conflictRetries;
        this.engineProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.engineProperties));
    }

    /** A new builder with Django's defaults; only the secret key is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads settings from {@code satchel.*} properties (see the constants of this class). Keys under
     * an engine's prefix are kept for that engine; other keys outside {@code satchel.} are ignored.
     */
    public static SessionSettings fromProperties(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return fromMap(map);
    }

    /** Like {@link #fromProperties(Properties)}, from a map of strings. */
    public static SessionSettings fromMap(Map<String, String> properties) {
        Builder b = builder();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            try {
                switch (key) {
                    case ENGINE -> b.engine(value);
                    case SECRET_KEY -> b.secretKey(e.getValue());
                    case SECRET_KEY_FALLBACKS -> b.secretKeyFallbacks(splitList(e.getValue()));
                    case COOKIE_NAME -> b.cookieName(value);
                    case COOKIE_AGE -> b.cookieAge(parseDuration(key, value));
                    case COOKIE_DOMAIN -> b.cookieDomain(value);
                    case COOKIE_PATH -> b.cookiePath(value);
                    case COOKIE_SECURE -> b.cookieSecure(parseBoolean(key, value));
                    case COOKIE_HTTP_ONLY -> b.cookieHttpOnly(parseBoolean(key, value));
                    case COOKIE_SAME_SITE -> b.cookieSameSite(value.isEmpty() ? null : value);
                    case COOKIE_PARTITIONED -> b.cookiePartitioned(parseBoolean(key, value));
                    case SAVE_EVERY_REQUEST -> b.saveEveryRequest(parseBoolean(key, value));
                    case EXPIRE_AT_BROWSER_CLOSE -> b.expireAtBrowserClose(parseBoolean(key, value));
                    case SERIALIZER -> b.serializer(value);
                    case SIGNING_ALGORITHM -> b.signingAlgorithm(SigningAlgorithm.fromName(value));
                    case MAX_PAYLOAD_BYTES -> b.maxPayloadBytes(parseInt(key, value));
                    case ACCEPT_DJANGO32_FORMATS -> b.acceptDjango32Formats(parseBoolean(key, value));
                    case CONFLICTS -> b.conflictPolicy(ConflictPolicy.fromName(value));
                    case CONFLICT_RETRIES -> b.conflictRetries(parseInt(key, value));
                    default -> {
                        if (key.startsWith("satchel.")) {
                            b.engineProperty(key, e.getValue());
                        }
                    }
                }
            } catch (SessionConfigurationException | IllegalStateException ex) {
                problems.add(ex.getMessage());
            }
        }
        b.problems().addAll(problems);
        return b.build();
    }

    private static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split(",")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static boolean parseBoolean(String key, String value) {
        return EngineProperties.parseBoolean(key, value);
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SessionConfigurationException(key + " must be a whole number, not \"" + value + "\"");
        }
    }

    static Duration parseDuration(String key, String value) {
        return EngineProperties.parseDuration(key, value);
    }

    private static String problemText(List<String> problems) {
        if (problems.size() == 1) {
            return "Invalid Satchel settings: " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder("Invalid Satchel settings (" + problems.size() + " problems):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }

    /** The engine name ({@code db}, {@code cache}, ...) or a Django dotted engine name. */
    public String engine() {
        return engine;
    }

    /** The key that signs everything written; never logged or printed by {@link #toString()}. */
    public String secretKey() {
        return secretKey;
    }

    /** Older keys still accepted when verifying, tried in order after {@link #secretKey()}. */
    public List<String> secretKeyFallbacks() {
        return secretKeyFallbacks;
    }

    /** The session cookie's name (also the file engine's file-name prefix). */
    public String cookieName() {
        return cookieName;
    }

    /** How long a session lives without a custom expiry. */
    public Duration cookieAge() {
        return cookieAge;
    }

    /** The cookie's Domain attribute, if any. */
    public Optional<String> cookieDomain() {
        return Optional.ofNullable(cookieDomain);
    }

    /** The cookie's Path attribute. */
    public String cookiePath() {
        return cookiePath;
    }

    /** Whether the cookie carries the Secure attribute. */
    public boolean cookieSecure() {
        return cookieSecure;
    }

    /** Whether the cookie carries the HttpOnly attribute. */
    public boolean cookieHttpOnly() {
        return cookieHttpOnly;
    }

    /** The SameSite attribute as configured (its case kept, as Django writes it), or empty for none. */
    public Optional<String> cookieSameSite() {
        return Optional.ofNullable(cookieSameSite);
    }

    /**
     * Whether the cookie carries the {@code Partitioned} attribute (CHIPS), so that a browser blocking
     * third-party cookies keeps it, in a jar of its own per top-level site, when the application is
     * embedded in another site.
     */
    public boolean cookiePartitioned() {
        return cookiePartitioned;
    }

    /** Whether every request saves its session and renews the cookie. */
    public boolean saveEveryRequest() {
        return saveEveryRequest;
    }

    /** Whether sessions without a custom expiry end when the browser closes. */
    public boolean expireAtBrowserClose() {
        return expireAtBrowserClose;
    }

    /** The serializer's name; {@code json} is the only one. */
    public String serializer() {
        return serializer;
    }

    /** The HMAC hash used for signing. */
    public SigningAlgorithm signingAlgorithm() {
        return signingAlgorithm;
    }

    /** The largest decoded session in bytes that will be inflated or parsed. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Whether Django 3.1/3.2's SHA-1 signatures and pre-3.1 session format are also read. */
    public boolean acceptDjango32Formats() {
        return acceptDjango32Formats;
    }

    /** What a save does when another request changed the session since it was loaded. */
    public ConflictPolicy conflictPolicy() {
        return conflictPolicy;
    }

    /** How many times a merging save reloads and retries before raising {@link SessionConflictException}. */
    public int conflictRetries() {
        return conflictRetries;
    }

    /** The value of an engine-specific key such as {@code satchel.db.url}, if set. */
    public Optional<String> engineProperty(String key) {
        return Optional.ofNullable(engineProperties.get(key));
    }

    /** Every engine-specific key that starts with {@code prefix}, with the prefix removed. */
    public Map<String, String> engineProperties(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        engineProperties.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** A builder holding these settings, to derive a variant (a setting may then be set once more). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.engine = engine;
        b.secretKey = secretKey;
        b.secretKeyFallbacks = secretKeyFallbacks;
        b.cookieName = cookieName;
        b.cookieAge = cookieAge;
        b.cookieDomain = cookieDomain;
        b.cookiePath = cookiePath;
        b.cookieSecure = cookieSecure;
        b.cookieHttpOnly = cookieHttpOnly;
        b.cookieSameSite = cookieSameSite;
        b.cookieSameSiteSet = true;
        b.cookiePartitioned = cookiePartitioned;
        b.saveEveryRequest = saveEveryRequest;
        b.expireAtBrowserClose = expireAtBrowserClose;
        b.serializer = serializer;
        b.signingAlgorithm = signingAlgorithm;
        b.maxPayloadBytes = maxPayloadBytes;
        b.acceptDjango32Formats = acceptDjango32Formats;
        b.conflictPolicy = conflictPolicy;
        b.conflictRetries = conflictRetries;
        b.engineProperties.putAll(engineProperties);
        b.derived = true;
        return b;
    }

    @Override
    public String toString() {
        return "SessionSettings{engine=" + engine + ", secretKey=<hidden>, fallbacks=" + secretKeyFallbacks.size()
                + ", cookieName=" + cookieName + ", cookieAge=" + cookieAge + ", cookieDomain=" + cookieDomain
                + ", cookiePath=" + cookiePath + ", secure=" + cookieSecure + ", httpOnly=" + cookieHttpOnly
                + ", sameSite=" + cookieSameSite + ", partitioned=" + cookiePartitioned + ", saveEveryRequest="
                + saveEveryRequest
                + ", expireAtBrowserClose=" + expireAtBrowserClose + ", conflicts=" + conflictPolicy + "/"
                + conflictRetries + ", engineKeys=" + engineProperties.keySet()
                + "}";
    }

    /**
     * Builds {@link SessionSettings}. Each setting may be given once (a second call names the first
     * value and fails), and {@link #build()} checks every rule, reporting all problems together.
     */
    public static final class Builder {
        private String engine;
        private String secretKey;
        private List<String> secretKeyFallbacks;
        private String cookieName;
        private Duration cookieAge;
        private String cookieDomain;
        private String cookiePath;
        private Boolean cookieSecure;
        private Boolean cookieHttpOnly;
        private String cookieSameSite;
        private boolean cookieSameSiteSet;
        private Boolean cookiePartitioned;
        private Boolean saveEveryRequest;
        private Boolean expireAtBrowserClose;
        private String serializer;
        private SigningAlgorithm signingAlgorithm;
        private Integer maxPayloadBytes;
        private Boolean acceptDjango32Formats;
        private ConflictPolicy conflictPolicy;
        private Integer conflictRetries;
        private final Map<String, String> engineProperties = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private boolean derived;

        private Builder() {}

        private void once(String key, Object previous) {
            if (previous != null && !derived) {
                throw new IllegalStateException(key + " was already set to " + previous);
            }
        }

        /** The engine, by name ({@code db}, {@code cache}, {@code cached_db}, {@code file}, ...). */
        public Builder engine(String name) {
            once(ENGINE, engine);
            this.engine = Objects.requireNonNull(name, ENGINE).trim();
            return this;
        }

        /** The secret key (required). */
        public Builder secretKey(String key) {
            once(SECRET_KEY, secretKey == null ? null : "<hidden>");
            this.secretKey = key;
            return this;
        }

        /** Older secret keys still accepted for verification, in the order they are tried. */
        public Builder secretKeyFallbacks(List<String> keys) {
            once(SECRET_KEY_FALLBACKS, secretKeyFallbacks == null ? null : secretKeyFallbacks.size() + " keys");
            this.secretKeyFallbacks = List.copyOf(keys);
            return this;
        }

        /** The cookie name (default {@code sessionid}). */
        public Builder cookieName(String name) {
            once(COOKIE_NAME, cookieName);
            this.cookieName = name;
            return this;
        }

        /** The session lifetime (default two weeks). */
        public Builder cookieAge(Duration age) {
            once(COOKIE_AGE, cookieAge);
            this.cookieAge = Objects.requireNonNull(age, COOKIE_AGE);
            return this;
        }

        /** The session lifetime in seconds. */
        public Builder cookieAgeSeconds(long seconds) {
            return cookieAge(Duration.ofSeconds(seconds));
        }

        /** The cookie domain; {@code null} or empty for none (the default). */
        public Builder cookieDomain(String domain) {
            once(COOKIE_DOMAIN, cookieDomain);
            this.cookieDomain = domain;
            return this;
        }

        /** The cookie path (default {@code /}). */
        public Builder cookiePath(String path) {
            once(COOKIE_PATH, cookiePath);
            this.cookiePath = path;
            return this;
        }

        /** Whether the cookie is sent only over HTTPS (default false). */
        public Builder cookieSecure(boolean secure) {
            once(COOKIE_SECURE, cookieSecure);
            this.cookieSecure = secure;
            return this;
        }

        /** Whether scripts are kept from reading the cookie (default true). */
        public Builder cookieHttpOnly(boolean httpOnly) {
            once(COOKIE_HTTP_ONLY, cookieHttpOnly);
            this.cookieHttpOnly = httpOnly;
            return this;
        }

        /** The SameSite attribute: Lax (default), Strict, None, or {@code null} for no attribute. */
        public Builder cookieSameSite(String sameSite) {
            once(COOKIE_SAME_SITE, cookieSameSiteSet ? String.valueOf(cookieSameSite) : null);
            this.cookieSameSite = sameSite;
            this.cookieSameSiteSet = true;
            return this;
        }

        /** Whether the cookie is Partitioned (CHIPS; default false); requires a Secure cookie. */
        public Builder cookiePartitioned(boolean partitioned) {
            once(COOKIE_PARTITIONED, cookiePartitioned);
            this.cookiePartitioned = partitioned;
            return this;
        }

        /** Save the session on every request, renewing the cookie (default false). */
        public Builder saveEveryRequest(boolean value) {
            once(SAVE_EVERY_REQUEST, saveEveryRequest);
            this.saveEveryRequest = value;
            return this;
        }

        /** End sessions when the browser closes unless they set their own expiry (default false). */
        public Builder expireAtBrowserClose(boolean value) {
            once(EXPIRE_AT_BROWSER_CLOSE, expireAtBrowserClose);
            this.expireAtBrowserClose = value;
            return this;
        }

        /** The serializer: {@code json}, the only one (Django's dotted names are accepted). */
        public Builder serializer(String name) {
            once(SERIALIZER, serializer);
            this.serializer = name;
            return this;
        }

        /** The HMAC hash (default SHA-256). */
        public Builder signingAlgorithm(SigningAlgorithm algorithm) {
            once(SIGNING_ALGORITHM, signingAlgorithm);
            this.signingAlgorithm = Objects.requireNonNull(algorithm, SIGNING_ALGORITHM);
            return this;
        }

        /** The largest decoded session, in bytes, that will be inflated or parsed (default 1 MiB). */
        public Builder maxPayloadBytes(int bytes) {
            once(MAX_PAYLOAD_BYTES, maxPayloadBytes);
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** Also read Django 3.1/3.2's SHA-1 signatures and pre-3.1 session format (default false). */
        public Builder acceptDjango32Formats(boolean accept) {
            once(ACCEPT_DJANGO32_FORMATS, acceptDjango32Formats);
            this.acceptDjango32Formats = accept;
            return this;
        }

        /** What a save does when another request changed the session meanwhile (default {@link ConflictPolicy#MERGE}). */
        public Builder conflictPolicy(ConflictPolicy policy) {
            once(CONFLICTS, conflictPolicy);
            this.conflictPolicy = Objects.requireNonNull(policy, CONFLICTS);
            return this;
        }

        /** How many times a merging save retries (default 5, 0 to 100). */
        public Builder conflictRetries(int retries) {
            once(CONFLICT_RETRIES, conflictRetries);
            this.conflictRetries = retries;
            return this;
        }

        /** An engine-specific setting, such as {@code satchel.db.url}; the engine validates it. */
        public Builder engineProperty(String key, String value) {
            if (!key.startsWith("satchel.")) {
                throw new SessionConfigurationException("engine setting " + key + " must start with \"satchel.\"");
            }
            once(key, engineProperties.get(key));
            engineProperties.put(key, value);
            return this;
        }

        List<String> problems() {
            return problems;
        }

        /**
         * Checks every rule and returns the settings.
         *
         * @throws SessionConfigurationException listing every problem, each naming its setting
         */
        public SessionSettings build() {
            List<String> found = new ArrayList<>(problems);
            if (secretKey == null || secretKey.isEmpty()) {
                found.add(SECRET_KEY + " is required: set it to a long random string and keep it secret");
            }
            if (secretKeyFallbacks != null) {
                for (String k : secretKeyFallbacks) {
                    if (k == null || k.isEmpty()) {
                        found.add(SECRET_KEY_FALLBACKS + " must not contain an empty key");
                    }
                }
            }
            if (engine != null && engine.isEmpty()) {
                found.add(ENGINE + " must name an engine, for example db, cache or signed_cookies");
            }
            String name = cookieName == null ? "sessionid" : cookieName;
            if (!COOKIE_TOKEN.matcher(name).matches()) {
                found.add(COOKIE_NAME + " \"" + name + "\" is not a valid cookie name (RFC 6265 token)");
            }
            if (cookieAge != null && (cookieAge.isNegative() || cookieAge.isZero())) {
                found.add(COOKIE_AGE + " must be positive, not " + cookieAge.getSeconds() + " seconds");
            }
            String path = cookiePath == null ? "/" : cookiePath;
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c == ';' || c > 0x7e)) {
                found.add(COOKIE_PATH + " must start with / and hold no spaces, ';' or control characters");
            }
            boolean hasDomain = cookieDomain != null && !cookieDomain.isEmpty();
            if (hasDomain && !DOMAIN.matcher(cookieDomain).matches()) {
                found.add(COOKIE_DOMAIN + " \"" + cookieDomain + "\" is not a valid domain");
            }
            boolean secure = cookieSecure != null && cookieSecure;
            String sameSite = cookieSameSiteSet ? cookieSameSite : "Lax";
            if (sameSite != null) {
                String lower = sameSite.toLowerCase(Locale.ROOT);
                if (!lower.equals("lax") && !lower.equals("strict") && !lower.equals("none")) {
                    found.add(COOKIE_SAME_SITE + " must be Lax, Strict or None (or empty for no attribute), not \""
                            + sameSite + "\"");
                } else if (lower.equals("none") && !secure) {
                    found.add(COOKIE_SAME_SITE + "=None requires " + COOKIE_SECURE
                            + "=true: browsers reject SameSite=None cookies that are not Secure");
                }
            }
            if (cookiePartitioned != null && cookiePartitioned && !secure) {
                found.add(COOKIE_PARTITIONED + "=true requires " + COOKIE_SECURE
                        + "=true: browsers reject Partitioned cookies that are not Secure");
            }
            if (name.startsWith("__Host-") && (!secure || hasDomain || !path.equals("/"))) {
                found.add(COOKIE_NAME + " \"" + name + "\" uses the __Host- prefix, which requires " + COOKIE_SECURE
                        + "=true, " + COOKIE_PATH + "=/ and no " + COOKIE_DOMAIN);
            }
            if (name.startsWith("__Secure-") && !secure) {
                found.add(COOKIE_NAME + " \"" + name + "\" uses the __Secure- prefix, which requires " + COOKIE_SECURE
                        + "=true");
            }
            if (serializer != null && !SERIALIZER_NAMES.contains(serializer)) {
                found.add(SERIALIZER + " must be json (Satchel never uses native or pickle serialization), not \""
                        + serializer + "\"");
            }
            if (maxPayloadBytes != null && (maxPayloadBytes < 4096 || maxPayloadBytes > (64 << 20))) {
                found.add(MAX_PAYLOAD_BYTES + " must be between 4096 and 67108864, not " + maxPayloadBytes);
            }
            if (conflictRetries != null && (conflictRetries < 0 || conflictRetries > 100)) {
                found.add(CONFLICT_RETRIES + " must be between 0 and 100, not " + conflictRetries);
            }
            if (!found.isEmpty()) {
                throw new SessionConfigurationException(problemText(found));
            }
            return new SessionSettings(this);
        }
    }
}
