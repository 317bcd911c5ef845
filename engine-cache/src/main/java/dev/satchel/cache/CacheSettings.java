package dev.satchel.cache;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cache engine's own settings, read from the {@code satchel.cache.*} keys of {@link
 * SessionSettings} and validated all at once: every problem is reported together, naming its key,
 * and a key this engine does not know is an error (a typo must not silently fall back to a default).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code satchel.cache.url}</td><td>{@code caffeine:}</td><td>{@code caffeine:}, {@code
 *       redis://[user:password@]host[:port][/db]}, {@code rediss://...} (TLS), {@code
 *       memcached://host:port[,host:port...]}</td></tr>
 *   <tr><td>{@code satchel.cache.key-prefix}</td><td>empty</td><td>Django's {@code KEY_PREFIX}</td></tr>
 *   <tr><td>{@code satchel.cache.version}</td><td>{@code 1}</td><td>Django's {@code VERSION}</td></tr>
 *   <tr><td>{@code satchel.cache.timeout}</td><td>{@code PT2S}</td><td>the longest any store call may
 *       take (connect or answer); seconds or an ISO-8601 duration</td></tr>
 *   <tr><td>{@code satchel.cache.on-load-failure}</td><td>{@code fail}</td><td>{@code fail}: a load the
 *       store cannot answer throws; {@code empty}: it logs and gives an empty session, as Django does</td></tr>
 *   <tr><td>{@code satchel.cache.caffeine.maximum-size}</td><td>{@code 100000}</td><td>how many
 *       sessions the embedded cache holds before evicting</td></tr>
 *   <tr><td>{@code satchel.cache.max-item-bytes}</td><td>memcached {@code 1048576}, Redis {@code
 *       536870912}, Caffeine unbounded</td><td>the largest item the store takes (memcached's {@code -I}); bigger sessions are refused</td></tr>
 *   <tr><td>{@code satchel.cache.pool-size}</td><td>{@code 16}</td><td>the most Redis connections</td></tr>
 *   <tr><td>{@code satchel.cache.value-format}</td><td>{@code satchel}</td><td>{@code satchel}: Satchel's
 *       signed encoding; {@code django-pickle}: the pickled dict Django's cache backends store, to share
 *       sessions with a running Django (unsigned, see {@link CacheSessionEngine})</td></tr>
 * </table>
 */
public final class CacheSettings {
    /** The prefix of every key this engine reads. */
    public static final String PREFIX = "satchel.cache.";

    public static final String URL = PREFIX + "url";
    public static final String KEY_PREFIX = PREFIX + "key-prefix";
    public static final String VERSION = PREFIX + "version";
    public static final String TIMEOUT = PREFIX + "timeout";
    public static final String ON_LOAD_FAILURE = PREFIX + "on-load-failure";
    public static final String CAFFEINE_MAXIMUM_SIZE = PREFIX + "caffeine.maximum-size";
    public static final String MAX_ITEM_BYTES = PREFIX + "max-item-bytes";
    public static final String POOL_SIZE = PREFIX + "pool-size";
    /** What the store holds under a session's key: {@code satchel} (default) or {@code django-pickle}. */
    public static final String VALUE_FORMAT = PREFIX + "value-format";
    /** For {@code rediss://}: a PKCS12 or JKS trust store holding the server's CA (default: the JVM's). */
    public static final String TLS_TRUST_STORE = PREFIX + "tls.trust-store";
    /** The trust store's password, if it has one. */
    public static final String TLS_TRUST_STORE_PASSWORD = PREFIX + "tls.trust-store-password";

    private static final Set<String> KNOWN = Set.of(
            URL,
            KEY_PREFIX,
            VERSION,
            TIMEOUT,
            ON_LOAD_FAILURE,
            CAFFEINE_MAXIMUM_SIZE,
            MAX_ITEM_BYTES,
            POOL_SIZE,
            VALUE_FORMAT,
            TLS_TRUST_STORE,
            TLS_TRUST_STORE_PASSWORD);

    /** What a load the store cannot answer means. */
    public enum LoadFailure {
        /** Throw {@link dev.satchel.SessionStoreUnavailableException} (the default). */
        FAIL,
        /** Log a warning and give an empty session, as Django's cache engine does. */
        EMPTY
    }

    /** What the store holds under a session's key. */
    public enum ValueFormat {
        /** Satchel's signed encoding (Django's {@code SessionStore.encode} format): tamper-proof, Satchel only. */
        SATCHEL,
        /**
         * What Django's cache backends store for a session: the dict pickled, unsigned; shared with a
         * running Django. Only plain data is read back (see {@link CacheSessionEngine}).
         */
        DJANGO_PICKLE
    }

    /** Which store the URL selects. */
    public enum Store {
        CAFFEINE,
        REDIS,
        MEMCACHED
    }

    private final String url;
    private final Store store;
    private final String keyPrefix;
    private final int version;
    private final Duration timeout;
    private final LoadFailure onLoadFailure;
    private final long caffeineMaximumSize;
    private final long maxItemBytes;
    private final int poolSize;
    private final ValueFormat valueFormat;
    private final String trustStore;
    private final String trustStorePassword;

    private CacheSettings(
            String url,
            Store store,
            String keyPrefix,
            int version,
            Duration timeout,
            LoadFailure onLoadFailure,
            long caffeineMaximumSize,
            long maxItemBytes,
            int poolSize,
            ValueFormat valueFormat,
            String trustStore,
            String trustStorePassword) {
        this.url = url;
        this.store = store;
        this.keyPrefix = keyPrefix;
        this.version = version;
        this.timeout = timeout;
        this.onLoadFailure = onLoadFailure;
        this.caffeineMaximumSize = caffeineMaximumSize;
        this.maxItemBytes = maxItemBytes;
        this.poolSize = poolSize;
        this.valueFormat = valueFormat;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    /**
     * Reads and validates the {@code satchel.cache.*} keys.
     *
     * @throws SessionConfigurationException naming every invalid or unknown key
     */
    public static CacheSettings from(SessionSettings settings) {
        Objects.requireNonNull(settings, "settings");
        List<String> problems = new ArrayList<>();
        Map<String, String> raw = settings.engineProperties(PREFIX);
        Set<String> unknown = new TreeSet<>();
        for (String k : raw.keySet()) {
            if (!KNOWN.contains(PREFIX + k)) {
                unknown.add(PREFIX + k);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown cache setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(KNOWN)) + ")");
        }

        String url = value(raw, URL, "caffeine:");
        Store store = null;
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("caffeine:")) {
            store = Store.CAFFEINE;
        } else if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
            store = Store.REDIS;
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null) {
                    problems.add(URL + " \"" + redact(url) + "\" names no host");
                }
                String path = uri.getPath();
                if (path != null && !path.isEmpty() && !path.equals("/")) {
                    try {
                        int db = Integer.parseInt(path.substring(1));
                        if (db < 0) {
                            problems.add(URL + " database index must not be negative");
                        }
                    } catch (NumberFormatException e) {
                        problems.add(URL + " path must be a database index such as /0, not \"" + path + "\"");
                    }
                }
            } catch (URISyntaxException e) {
                problems.add(URL + " \"" + redact(url) + "\" is not a valid URL: " + e.getReason());
            }
        } else if (lower.startsWith("memcached://")) {
            store = Store.MEMCACHED;
            String servers = url.substring("memcached://".length());
            if (servers.endsWith("/")) {
                servers = servers.substring(0, servers.length() - 1);
            }
            if (servers.isBlank()) {
                problems.add(URL + " \"" + url + "\" names no server (memcached://host:port[,host:port...])");
            }
            for (String server : servers.split(",")) {
                String s = server.trim();
                int colon = s.lastIndexOf(':');
                if (s.isEmpty() || colon <= 0 || colon == s.length() - 1) {
                    problems.add(URL + " server \"" + s + "\" must be host:port");
                    continue;
                }
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        problems.add(URL + " server \"" + s + "\" has an invalid port");
                    }
                } catch (NumberFormatException e) {
                    problems.add(URL + " server \"" + s + "\" has an invalid port");
                }
            }
        } else {
            problems.add(URL + " must start with caffeine:, redis://, rediss:// or memcached://, not \"" + redact(url)
                    + "\"");
        }

        String keyPrefix = raw.getOrDefault(KEY_PREFIX.substring(PREFIX.length()), "");
        for (int i = 0; i < keyPrefix.length(); i++) {
            char c = keyPrefix.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                problems.add(KEY_PREFIX + " must not contain spaces or control characters (memcached rejects them)");
                break;
            }
        }

        int version = (int) number(raw, VERSION, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, problems);
        Duration timeout = duration(raw, TIMEOUT, Duration.ofSeconds(2), problems);
        LoadFailure onLoadFailure = LoadFailure.FAIL;
        String failure = value(raw, ON_LOAD_FAILURE, "fail");
        switch (failure.toLowerCase(Locale.ROOT)) {
            case "fail" -> onLoadFailure = LoadFailure.FAIL;
            case "empty" -> onLoadFailure = LoadFailure.EMPTY;
            default -> problems.add(ON_LOAD_FAILURE + " must be fail or empty, not \"" + failure + "\"");
        }
        long maximumSize = number(raw, CAFFEINE_MAXIMUM_SIZE, 100_000, 1, Long.MAX_VALUE, problems);
        long defaultItemBytes =
                store == Store.MEMCACHED ? 1L << 20 : store == Store.REDIS ? 512L << 20 : Long.MAX_VALUE;
        long maxItemBytes = number(raw, MAX_ITEM_BYTES, defaultItemBytes, 1024, Long.MAX_VALUE, problems);
        int poolSize = (int) number(raw, POOL_SIZE, 16, 1, 10_000, problems);
        ValueFormat valueFormat = ValueFormat.SATCHEL;
        String format = value(raw, VALUE_FORMAT, "satchel");
        switch (format.toLowerCase(Locale.ROOT)) {
            case "satchel" -> valueFormat = ValueFormat.SATCHEL;
            case "django-pickle" -> valueFormat = ValueFormat.DJANGO_PICKLE;
            default -> problems.add(VALUE_FORMAT + " must be satchel or django-pickle, not \"" + format + "\"");
        }

        String trustStore = value(raw, TLS_TRUST_STORE, "");
        if (!trustStore.isEmpty()) {
            if (!url.regionMatches(true, 0, "rediss://", 0, 9)) {
                problems.add(TLS_TRUST_STORE + " applies only to rediss:// URLs");
            } else if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(trustStore))) {
                problems.add(TLS_TRUST_STORE + " \"" + trustStore + "\" is not a readable file");
            }
        }
        CacheSettings result = new CacheSettings(
                url,
                store,
                keyPrefix,
                version,
                timeout,
                onLoadFailure,
                maximumSize,
                maxItemBytes,
                poolSize,
                valueFormat,
                trustStore.isEmpty() ? null : trustStore,
                trustStore.isEmpty() ? null : raw.get(TLS_TRUST_STORE_PASSWORD.substring(PREFIX.length())));
        int longest = result.physicalKeyPrefixBytes(CacheSessionEngine.LOGICAL_PREFIX) + 40;
        if (longest > 250) {
            problems.add(KEY_PREFIX + " is too long: a session's cache key would reach " + longest
                    + " bytes, over memcached's 250");
        }
        if (!problems.isEmpty()) {
            throw new SessionConfigurationException(
                    problems.size() == 1
                            ? "Invalid cache engine settings: " + problems.get(0)
                            : "Invalid cache engine settings (" + problems.size() + " problems):\n  - "
                                    + String.join("\n  - ", problems));
        }
        return result;
    }

    private static String value(Map<String, String> raw, String key, String fallback) {
        String v = raw.get(key.substring(PREFIX.length()));
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static long number(Map<String, String> raw, String key, long fallback, long min, long max, List<String> p) {
        String v = raw.get(key.substring(PREFIX.length()));
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                p.add(key + " must be between " + min + " and " + max + ", not " + n);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            p.add(key + " must be a whole number, not \"" + v + "\"");
            return fallback;
        }
    }

    private static Duration duration(Map<String, String> raw, String key, Duration fallback, List<String> p) {
        String v = raw.get(key.substring(PREFIX.length()));
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String t = v.trim();
        Duration d;
        try {
            if (t.charAt(0) == 'P' || t.charAt(0) == 'p') {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            p.add(key + " must be seconds or an ISO-8601 duration such as PT2S, not \"" + v + "\"");
            return fallback;
        }
        if (d.toMillis() < 1 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            p.add(key + " must be between 1 ms and 10 minutes, not " + d);
            return fallback;
        }
        return d;
    }

    /** The URL with any password replaced, for messages and logs. */
    static String redact(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        if (at < 0 || scheme < 0 || at < scheme) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? "" : userInfo.substring(0, colon);
        return url.substring(0, scheme + 3) + user + ":<hidden>" + url.substring(at);
    }

    /** The store URL (may hold a password: never log it, use {@link #toString()}). */
    public String url() {
        return url;
    }

    /** The store the URL selects. */
    public Store store() {
        return store;
    }

    /** Django's {@code KEY_PREFIX}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Django's cache {@code VERSION}. */
    public int version() {
        return version;
    }

    /** The longest any single store call may take. */
    public Duration timeout() {
        return timeout;
    }

    /** What a load the store cannot answer means. */
    public LoadFailure onLoadFailure() {
        return onLoadFailure;
    }

    /** How many sessions the embedded Caffeine cache holds. */
    public long caffeineMaximumSize() {
        return caffeineMaximumSize;
    }

    /** The store's item limit in bytes. */
    public long maxItemBytes() {
        return maxItemBytes;
    }

    /** The most connections to Redis. */
    public int poolSize() {
        return poolSize;
    }

    /** What the store holds under a session's key. */
    public ValueFormat valueFormat() {
        return valueFormat;
    }

    /** The trust store for {@code rediss://} connections, if one is configured. */
    public Optional<String> tlsTrustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** The trust store's password ({@code null} when none is set). */
    public String tlsTrustStorePassword() {
        return trustStorePassword;
    }

    /**
     * The cache key of a session, laid out as Django's default {@code KEY_FUNCTION} does: {@code
     * <key-prefix>:<version>:<logicalPrefix><sessionKey>}.
     */
    public String cacheKey(String logicalPrefix, String sessionKey) {
        return keyPrefix + ":" + version + ":" + logicalPrefix + sessionKey;
    }

    int physicalKeyPrefixBytes(String logicalPrefix) {
        return cacheKey(logicalPrefix, "").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return "CacheSettings{url=" + redact(url) + ", keyPrefix=" + keyPrefix + ", version=" + version
                + ", timeout=" + timeout + ", onLoadFailure=" + onLoadFailure + ", caffeineMaximumSize="
                + caffeineMaximumSize + ", maxItemBytes=" + maxItemBytes + ", poolSize=" + poolSize + ", valueFormat="
                + valueFormat + "}";
    }
}
