package dev.satchel.cache;

import dev.satchel.CreateException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.UpdateException;
import dev.satchel.cache.internal.CacheKeys;
import dev.satchel.cache.internal.CacheStore;
import dev.satchel.cache.internal.CacheStore.Ttl;
import dev.satchel.cache.internal.CacheStores;
import dev.satchel.cache.internal.DjangoPickleCodec;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code cache} session engine over Caffeine (embedded, the default), Redis or memcached,
 * chosen by {@code satchel.cache.url} (see {@link CacheSettings}).
 *
 * <ul>
 *   <li>Keys are Django's: {@code <key-prefix>:<version>:django.contrib.sessions.cache<session key>}.
 *       A key memcached would reject (space, control character, over 250 bytes) is refused before any
 *       store call, on every store.
 *   <li>Values depend on {@code satchel.cache.value-format}. {@code satchel} (the default): Satchel's
 *       signed encoding (Django's {@code SessionStore.encode} format); anything not signed with the
 *       secret loads as an empty session, and Django cannot read these values. {@code django-pickle}:
 *       exactly what Django's cache backends store, so a running Django app and Satchel share sessions
 *       (see below).
 *   <li>One store call per operation: load is {@code GET}/{@code gets}; create is {@code SET NX
 *       EX}/{@code add} ({@link CreateException} when taken); update is {@code SET XX EX}/{@code
 *       replace} ({@link UpdateException} when gone); delete and exists are one call each. The
 *       conditional save is one {@code EVAL} (Redis), one {@code cas} (memcached, with the token read
 *       by the load) or one atomic replace (Caffeine).
 *   <li>The session's expiry becomes the entry's time to live (rounded up to whole seconds, at least
 *       one). A load returns no expiry: the session layer derives it from the signed data and its
 *       signing time, so an entry the store keeps a little longer is still refused once expired.
 *   <li>A session larger than the store's item limit raises {@link SessionTooLargeException} before
 *       anything is sent, so the previous version stays intact.
 *   <li>A store that is down or does not answer within {@code satchel.cache.timeout} raises {@link
 *       SessionStoreUnavailableException}; with {@code satchel.cache.on-load-failure=empty} a failed
 *       load is logged and gives an empty session instead. Saves, deletes and exists always raise.
 * </ul>
 *
 * <p><b>Sharing sessions with Django ({@code django-pickle}).</b> Django's {@code cache} and {@code
 * cached_db} engines store the session dict itself through the cache backend, which pickles it. In
 * this format Satchel writes that pickle (protocol {@value #PICKLE_PROTOCOL}) under Django's key and
 * with the backend's framing: on memcached the flags of pymemcache's {@code pickle_serde} (Django's
 * {@code PyMemcacheCache}: a value without the pickle flag is bytes, text or an integer to Django,
 * never a session, and reads as empty here), on Redis the bare pickle django-redis's default client
 * stores (it stores plain integers as digits, which are no session either). The time to live is
 * Django's expiry age. Set {@code key-prefix} and {@code version} to Django's {@code KEY_PREFIX} and
 * {@code VERSION}. Django's other options (a compressor, another serializer, a custom {@code
 * KEY_FUNCTION}) are not read.
 *
 * <ul>
 *   <li><b>Not signed.</b> As in Django, a pickled session carries no signature: anyone who can write
 *       the cache can forge any session. Secure the cache (network, authentication, TLS) as the
 *       session secret itself. In the {@code satchel} format a forged value is refused.
 *   <li><b>Never a general unpickler.</b> Satchel reads only plain data: dicts with str keys, str,
 *       int of any size, float, bool, None, list, and tuples (read as lists), in protocols 0 to 5.
 *       Anything else ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code BUILD}, {@code
 *       INST}, {@code OBJ}, {@code NEWOBJ}, {@code NEWOBJ_EX}, {@code EXT}, {@code PERSID}, bytes, sets,
 *       ...) is refused before anything is built, as are pickles over {@code satchel.max-payload-bytes},
 *       deeper than 1000 levels, or whose memo references expand past four times that size; such an
 *       entry is a corrupted session, which loads empty. So a Django session holding a {@code
 *       datetime}, a model or any other object loads empty in Satchel.
 *   <li>A session loads with no expiry of its own: the store's time to live decides, as in Django.
 * </ul>
 *
 * <p>The {@code cached_db} engine reuses this class with its own logical prefix through {@link
 * #create(EngineContext, String)}, and writes through with {@link #lease}, {@link #fill} and {@link
 * #putTombstone}.
 */
public final class CacheSessionEngine implements SessionEngine {
    /** The engine's name in settings. */
    public static final String NAME = "cache";

    /** Django's dotted engine name, accepted as an alias. */
    public static final String DJANGO_NAME = "django.contrib.sessions.backends.cache";

    /** The logical key prefix of Django's {@code cache} engine. */
    public static final String LOGICAL_PREFIX = "django.contrib.sessions.cache";

    /** The logical key prefix of Django's {@code cached_db} engine. */
    public static final String CACHED_DB_LOGICAL_PREFIX = "django.contrib.sessions.cached_db";

    /**
     * The pickle protocol written in the {@code django-pickle} format: django-redis's (Python's
     * default, 4). pymemcache writes the running Python's highest (5 since Python 3.8, the same
     * opcodes after the header for plain data); 4 is read by every Python Django 3.2 runs on.
     */
    public static final int PICKLE_PROTOCOL = 4;

    private static final Logger LOG = LoggerFactory.getLogger(CacheSessionEngine.class);

    private final CacheSettings settings;
    private final String logicalPrefix;
    private final SessionCodec codec;
    private final Clock clock;
    private final CacheStore store;
    private final boolean pickles;

    private CacheSessionEngine(CacheSettings settings, String logicalPrefix, SessionCodec codec, Clock clock) {
        this.settings = settings;
        this.logicalPrefix = logicalPrefix;
        this.codec = codec;
        this.pickles = settings.valueFormat() == CacheSettings.ValueFormat.DJANGO_PICKLE;
        this.clock = clock;
        this.store = CacheStores.open(settings, clock);
    }

    /**
     * The {@code cache} engine for the context's settings.
     *
     * @throws SessionConfigurationException if a {@code satchel.cache.*} setting is invalid or unknown,
     *     or the store's client library is missing
     */
    public static CacheSessionEngine create(EngineContext context) {
        return create(context, LOGICAL_PREFIX);
    }

    /**
     * An engine over the same settings and stores with another logical key prefix, such as {@link
     * #CACHED_DB_LOGICAL_PREFIX} for {@code cached_db}.
     *
     * @throws SessionConfigurationException if the settings are invalid, or the prefix would make keys
     *     memcached rejects
     */
    public static CacheSessionEngine create(EngineContext context, String logicalKeyPrefix) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(logicalKeyPrefix, "logicalKeyPrefix");
        CacheSettings settings = CacheSettings.from(context.settings());
        String longest = settings.cacheKey(logicalKeyPrefix, "x".repeat(40));
        if (!CacheKeys.isValid(longest)) {
            throw new SessionConfigurationException("the cache key prefix \"" + settings.cacheKey(logicalKeyPrefix, "")
                    + "\" would make session keys memcached rejects (spaces, control characters or over "
                    + CacheKeys.MAX_KEY_BYTES + " bytes)");
        }
        SessionCodec codec = settings.valueFormat() == CacheSettings.ValueFormat.DJANGO_PICKLE
                ? new DjangoPickleCodec(PICKLE_PROTOCOL, context.settings().maxPayloadBytes())
                : context.codec();
        return new CacheSessionEngine(settings, logicalKeyPrefix, codec, context.clock());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionCodec codec() {
        return codec;
    }

    /** The validated settings this engine runs with. */
    public CacheSettings settings() {
        return settings;
    }

    /** The logical prefix of this engine's keys. */
    public String logicalPrefix() {
        return logicalPrefix;
    }

    /** The cache key a session is stored under, exactly as Django's cache layer builds it. */
    public String cacheKey(String sessionKey) {
        return settings.cacheKey(logicalPrefix, sessionKey);
    }

    /** Satchel's key rule, and the cache key it makes must be one memcached accepts. */
    @Override
    public boolean acceptsKey(String key) {
        return SessionEngine.super.acceptsKey(key) && CacheKeys.isValid(cacheKey(key));
    }

    /** The cache key, or empty if memcached would reject it (so no call is made). */
    private Optional<String> checkedKey(String sessionKey) {
        if (sessionKey == null) {
            return Optional.empty();
        }
        String key = cacheKey(sessionKey);
        return CacheKeys.isValid(key) ? Optional.of(key) : Optional.empty();
    }

    private String requireKey(String sessionKey) {
        return checkedKey(sessionKey)
                .orElseThrow(() -> new SuspiciousSessionException("session key refused by the cache engine: its"
                        + " cache key would hold spaces or control characters or exceed "
                        + CacheKeys.MAX_KEY_BYTES + " bytes"));
    }

    @Override
    public Optional<SessionRecord> load(String sessionKey) {
        Optional<String> key = checkedKey(sessionKey);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Optional<CacheStore.Stored> found;
        try {
            found = store.get(key.get());
        } catch (SessionStoreUnavailableException e) {
            if (settings.onLoadFailure() == CacheSettings.LoadFailure.EMPTY) {
                LOG.warn("Session cache unavailable, loading an empty session instead: {}", e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
        // No expiry: the session layer derives it from the signed data, which is stricter than the TTL.
        return found.map(s -> new SessionRecord(s.value(), null, s.version()));
    }

    @Override
    public String save(String sessionKey, SessionRecord record, SaveMode mode) {
        String key = requireKey(sessionKey);
        checkSize(key, record.data());
        Ttl ttl = ttl(record);
        if (mode == SaveMode.CREATE) {
            if (!store.add(key, record.data(), ttl)) {
                throw new CreateException("session key already exists in the cache");
            }
        } else if (!store.replace(key, record.data(), ttl)) {
            throw new UpdateException("session is no longer in the cache (deleted, expired or evicted)");
        }
        return sessionKey;
    }

    /**
     * Stores {@code record} under {@code sessionKey} whether or not an entry exists (one {@code SET} /
     * {@code set} / {@code put}): the write-through of {@code cached_db}, whose database decides
     * creation and conflicts.
     *
     * @throws SessionTooLargeException if the record exceeds the store's item limit
     * @throws SessionStoreUnavailableException if the store cannot answer
     */
    public void set(String sessionKey, SessionRecord record) {
        String key = requireKey(sessionKey);
        checkSize(key, record.data());
        store.set(key, record.data(), ttl(record));
    }

    /**
     * Records a {@code cached_db} logout: stores the tombstone ({@link CacheStore#TOMBSTONE}) under
     * the session's cache key for {@code lifetime}, whatever is there. A key the cache could never hold
     * needs none.
     *
     * @throws SessionStoreUnavailableException if the store cannot answer (the tombstone may or may not
     *     have been stored)
     */
    public void putTombstone(String sessionKey, java.time.Duration lifetime) {
        Optional<String> key = checkedKey(sessionKey);
        if (key.isPresent()) {
            Instant now = clock.instant();
            store.putTombstone(key.get(), Ttl.until(now.plus(lifetime), now));
        }
    }

    /**
     * Claims the session's cache entry for a {@code cached_db} write: stores a fresh lease unless a
     * logout's tombstone is there, in one atomic store step. Only the holder of the lease still in
     * place may {@link #fill} it, so a claim made later (another save, a load's miss, a logout)
     * voids an earlier writer's pending fill.
     *
     * @return the lease, or empty (nothing written) if the tombstone is there
     * @throws SessionStoreUnavailableException if the store cannot answer
     */
    public Optional<String> lease(String sessionKey, java.time.Duration lifetime) {
        String key = requireKey(sessionKey);
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String lease = CacheStore.LEASE_PREFIX + Long.toHexString(random.nextLong())
                + Long.toHexString(random.nextLong()) + "'\n0N.";
        Instant now = clock.instant();
        return store.setUnlessTombstone(key, lease, Ttl.until(now.plus(lifetime), now))
                ? Optional.of(lease)
                : Optional.empty();
    }

    /**
     * Replaces this writer's {@link #lease} with {@code record}, in one atomic store step.
     *
     * @return {@code false}, having written nothing, if the lease is no longer there
     * @throws SessionTooLargeException if the record exceeds the store's item limit
     * @throws SessionStoreUnavailableException if the store cannot answer
     */
    public boolean fill(String sessionKey, String lease, SessionRecord record) {
        String key = requireKey(sessionKey);
        checkSize(key, record.data());
        return store.compareValueAndSet(key, lease, record.data(), ttl(record));
    }

    /**
     * Removes this writer's {@link #lease} if it is still in place (nothing to fill: the database had
     * no row, or the save failed), in one atomic store step.
     *
     * @throws SessionStoreUnavailableException if the store cannot answer
     */
    public void release(String sessionKey, String lease) {
        Optional<String> key = checkedKey(sessionKey);
        if (key.isPresent()) {
            store.compareValueAndDelete(key.get(), lease);
        }
    }

    /**
     * Removes the session's entry unless it is a logout's tombstone, in one atomic store step.
     *
     * @return {@code true} if the tombstone is there
     * @throws SessionStoreUnavailableException if the store cannot answer
     */
    public boolean deleteUnlessTombstone(String sessionKey) {
        Optional<String> key = checkedKey(sessionKey);
        return key.isPresent() && store.deleteUnlessTombstone(key.get());
    }

    /** Whether a record {@link #load} returned is a logout's tombstone rather than a session. */
    public static boolean isTombstone(SessionRecord record) {
        return CacheStore.TOMBSTONE.equals(record.data());
    }

    /** Whether a record {@link #load} returned is a writer's pending {@link #lease} (a miss). */
    public static boolean isLease(SessionRecord record) {
        return record.data().startsWith(CacheStore.LEASE_PREFIX);
    }

    @Override
    public boolean exists(String sessionKey) {
        Optional<String> key = checkedKey(sessionKey);
        return key.isPresent() && store.contains(key.get());
    }

    @Override
    public void delete(String sessionKey) {
        Optional<String> key = checkedKey(sessionKey);
        if (key.isPresent()) {
            store.delete(key.get());
        }
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return Optional.of((sessionKey, record, expectedVersion) -> {
            String key = requireKey(sessionKey);
            checkSize(key, record.data());
            if (expectedVersion == null || !store.compareAndSet(key, expectedVersion, record.data(), ttl(record))) {
                throw new UpdateException("session changed or vanished in the cache since it was loaded");
            }
            return sessionKey;
        });
    }

    private Ttl ttl(SessionRecord record) {
        Instant now = clock.instant();
        Instant expiry = record.expiry() != null ? record.expiry() : now.plusSeconds(1_209_600);
        return Ttl.until(expiry, now);
    }

    private void checkSize(String key, String value) {
        if (pickles) {
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) > 0xff) {
                    throw new IllegalArgumentException("a django-pickle value must be this engine's codec's output");
                }
            }
        }
        long limit = store.maxValueBytes(key);
        if (value.length() > limit || bytes(value) > limit) {
            throw new SessionTooLargeException("the encoded session is " + bytes(value)
                    + " bytes, over the " + limit + " bytes the cache stores under one key ("
                    + CacheSettings.MAX_ITEM_BYTES + "=" + settings.maxItemBytes()
                    + " minus the key and item header); nothing was written: store less data in the session");
        }
    }

    private long bytes(String value) {
        return pickles ? value.length() : value.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The store adapter (for this module's tests). */
    CacheStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "CacheSessionEngine{" + settings + ", logicalPrefix=" + logicalPrefix + "}";
    }
}
