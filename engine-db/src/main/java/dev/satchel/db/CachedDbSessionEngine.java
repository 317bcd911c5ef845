package dev.satchel.db;

import dev.satchel.CreateException;
import dev.satchel.SessionException;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code cached_db}: the database is the truth and a cache in front of it serves reads.
 * Cache keys are Django's ({@code <prefix>:<version>:django.contrib.sessions.cached_db<key>}); the
 * cache is configured with the same {@code satchel.cache.*} keys as the {@code cache} engine (Caffeine
 * by default).
 *
 * <p><b>Logouts are tombstones.</b> A save's or a load's cache write can be delayed past a logout that
 * runs meanwhile (save commits, logout deletes row and entry, then the save's cache write lands), and
 * an unconditional write would then serve the logged-out session for its whole age. So a logout first
 * writes a tombstone ({@link dev.satchel.cache.internal.CacheStore#TOMBSTONE}) under the cache key,
 * living {@link #tombstoneLifetime(Duration) at least a day and at least the cookie age}, and only
 * then deletes the row; every cache write of this engine is "set unless a tombstone is there" in one
 * atomic store step (a Redis script, memcached {@code gets}+{@code cas}/{@code add}, a Caffeine
 * {@code compute}). Whatever the interleaving, the tombstone is either there before the late write,
 * which is then refused, or the write happened before the tombstone replaced it. Tombstones were chosen
 * over versioned entries because Django's schema has no version column, and over
 * invalidate-instead-of-set because a delayed load's write-back would still land after the
 * invalidation. A cache write whose operation began more than half the tombstone lifetime ago is
 * replaced by an invalidation, so no delayed write can outlive the tombstone that guards against it.
 *
 * <ul>
 *   <li><b>load</b>: a tombstone is "no session", without reading the database. A miss reads the
 *       database and writes the row back unless a tombstone is there; if one is (a logout won the
 *       race), the load returns no session. A cache that cannot answer is logged and the database
 *       answers alone.
 *   <li><b>save</b>: database first, then the write-through. If a tombstone refuses it, the logout
 *       won: the row is deleted again (it is normally gone already) and the save raises {@link
 *       UpdateException} ({@link CreateException} for a create, so a fresh key is drawn), as the
 *       {@code db} engine does for a save after a logout. A cache that fails never fails the save: the
 *       entry is invalidated instead (unless it is a tombstone), and if even that fails this engine
 *       remembers the key and reads it from the database, retrying the invalidation, until the cache
 *       answers. What remains: another process sharing the cache may read the older entry until it
 *       expires or the session is saved again.
 *   <li><b>logout</b> ({@link #delete}) is final or raises: if the tombstone cannot be written (cache
 *       down or frozen), {@link SessionStoreUnavailableException} is raised before the database is
 *       touched, so the session is intact (a tombstone that still arrives later makes it logged out,
 *       never partly). If the database delete then fails, the logout raises with the tombstone in
 *       place: the session is logged out wherever the cache answers.
 *   <li>{@code exists} asks only the database, the authority.
 * </ul>
 *
 * <p>With Django sharing the cache, the tombstone unpickles to an empty dict, which Django's {@code
 * cached_db} serves as an empty session without reading its database (memcached entries carry
 * pymemcache's pickle flag for this). Satchel's own entries are signed strings, not pickles: Django's
 * Redis backend fails to unpickle them and reads its database; its memcached backend returns the raw
 * bytes, which Django cannot use, so sharing a memcached-backed {@code cached_db} cache with Django
 * is not supported. Django's own saves overwrite tombstones unconditionally.
 *
 * <p>What tombstones cost: one small entry per logout for the tombstone lifetime, counted against a
 * size-bounded cache (Caffeine's maximum size, Redis's {@code maxmemory}); a tombstone evicted while a
 * delayed write is in flight reopens that one race. A key once logged out is refused for creation
 * until its tombstone expires (keys are random, so only a deliberate reuse meets this).
 */
public final class CachedDbSessionEngine implements SessionEngine {
    /** The name this engine is registered under. */
    public static final String NAME = "cached_db";

    /** The shortest time a tombstone lives, whatever the cookie age. */
    static final Duration MIN_TOMBSTONE_LIFETIME = Duration.ofDays(1);

    /** How many keys with a possibly stale cache entry are remembered at most. */
    static final int MAX_SUSPECTS = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(CachedDbSessionEngine.class);

    private final DbSessionEngine db;
    private final CacheSessionEngine cache;
    private final Duration tombstoneLifetime;
    private final Clock clock;

    /** Keys whose cache entry may be older than the database: the write-through and invalidation failed. */
    private final Set<String> suspects = ConcurrentHashMap.newKeySet();

    /** Where a test may hold a thread: after the database step, before the cache write. */
    enum Step {
        /** A save committed to the database. */
        SAVED,
        /** A load missed the cache and read the database. */
        READ
    }

    /** A test seam: called on the saving or loading thread between the database and the cache. */
    @FunctionalInterface
    interface Pause {
        void at(Step step, String key);
    }

    private volatile Pause pause = (step, key) -> {};

    /**
     * Write-through over these two engines (both are closed with this one), with tombstones living
     * {@link #MIN_TOMBSTONE_LIFETIME} and the system clock.
     */
    public CachedDbSessionEngine(DbSessionEngine db, CacheSessionEngine cache) {
        this(db, cache, MIN_TOMBSTONE_LIFETIME, Clock.systemUTC());
    }

    CachedDbSessionEngine(DbSessionEngine db, CacheSessionEngine cache, Duration tombstoneLifetime, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.tombstoneLifetime = Objects.requireNonNull(tombstoneLifetime, "tombstoneLifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The engine the settings describe: {@code satchel.db.*} for the database, {@code satchel.cache.*} for the cache. */
    public static CachedDbSessionEngine create(EngineContext context) {
        DbSessionEngine db = DbSessionEngine.builder(context).name(NAME).build();
        try {
            return new CachedDbSessionEngine(
                    db,
                    CacheSessionEngine.create(context, CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX),
                    tombstoneLifetime(context.settings().cookieAge()),
                    context.clock());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * How long a logout's tombstone lives: the cookie age, and at least {@link
     * #MIN_TOMBSTONE_LIFETIME} so a short cookie age still outlives any delayed cache write.
     */
    static Duration tombstoneLifetime(Duration cookieAge) {
        return cookieAge.compareTo(MIN_TOMBSTONE_LIFETIME) > 0 ? cookieAge : MIN_TOMBSTONE_LIFETIME;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionCodec codec() {
        return db.codec();
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        if (key != null && !suspects.isEmpty() && suspects.contains(key) && !invalidate(key)) {
            // The cache may hold an older version and still does not answer: the database does.
            return db.load(key);
        }
        Optional<SessionRecord> cached;
        try {
            cached = cache.load(key);
        } catch (SessionStoreUnavailableException e) {
            LOG.warn("Session cache unavailable, reading the database: {}", e.getMessage());
            return db.load(key);
        }
        if (cached.isPresent()) {
            SessionRecord r = cached.get();
            if (CacheSessionEngine.isTombstone(r)) {
                return Optional.empty();
            }
            // The data is also the version the database's conditional save compares with.
            return Optional.of(new SessionRecord(r.data(), r.expiry(), r.data()));
        }
        Instant started = clock.instant();
        Optional<SessionRecord> stored = db.load(key);
        pause.at(Step.READ, key);
        if (stored.isPresent() && !fill(key, stored.get(), started)) {
            return Optional.empty(); // logged out while this load read the database
        }
        return stored;
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        Instant started = clock.instant();
        String stored = db.save(key, record, mode);
        pause.at(Step.SAVED, stored);
        writeThrough(stored, record, mode, started);
        return stored;
    }

    @Override
    public boolean exists(String key) {
        return db.exists(key);
    }

    /**
     * Logs the session out: the tombstone first, then the row.
     *
     * @throws SessionStoreUnavailableException if the cache did not take the tombstone (nothing was
     *     deleted), or the database failed after it (logged out wherever the cache answers)
     */
    @Override
    public void delete(String key) {
        try {
            cache.putTombstone(key, tombstoneLifetime);
        } catch (SessionException e) {
            throw new SessionStoreUnavailableException(
                    "the session cache did not record the logout, so nothing was deleted; retry the logout ("
                            + e.getMessage() + ")",
                    e);
        }
        db.delete(key);
        if (key != null) {
            suspects.remove(key);
        }
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return db.conditionalSave().map(dbSave -> (key, record, expectedVersion) -> {
            Instant started = clock.instant();
            String stored = dbSave.saveIfUnchanged(key, record, expectedVersion);
            pause.at(Step.SAVED, stored);
            writeThrough(stored, record, SaveMode.UPDATE, started);
            return stored;
        });
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return db.sweeper();
    }

    /** Puts a committed record in the cache; if a logout's tombstone refuses it, the logout wins. */
    private void writeThrough(String key, SessionRecord record, SaveMode mode, Instant started) {
        if (fill(key, record, started)) {
            return;
        }
        try {
            db.delete(key); // normally gone already; this completes a logout whose delete never ran
        } catch (SessionException e) {
            LOG.warn("Could not delete a logged-out session's row; the cache's tombstone hides it: {}", e.getMessage());
        }
        if (mode == SaveMode.CREATE) {
            throw new CreateException("this session key was logged out recently and cannot be reused yet");
        }
        throw new UpdateException("the session was logged out while it was being saved");
    }

    /**
     * Writes the database's record to the cache unless a tombstone is there. A write that started too
     * long ago (it could outlive a tombstone) or that fails becomes an invalidation instead.
     *
     * @return {@code false} if a tombstone refused the write
     */
    private boolean fill(String key, SessionRecord record, Instant started) {
        Duration inFlight = Duration.between(started, clock.instant());
        Duration limit = tombstoneLifetime.dividedBy(2).minus(cache.settings().timeout());
        if (inFlight.compareTo(limit) > 0) {
            LOG.warn("A session cache write was delayed {}; invalidating instead of writing", inFlight);
            invalidate(key);
            return true;
        }
        try {
            return cache.setUnlessTombstone(key, record);
        } catch (SessionException e) {
            LOG.warn("Session cache write failed; the database holds the session: {}", e.getMessage());
            invalidate(key);
            return true;
        }
    }

    /**
     * Removes the key's entry unless it is a tombstone. If the cache does not answer, the key is
     * remembered and read from the database until an invalidation succeeds.
     *
     * @return whether the cache confirmed it
     */
    private boolean invalidate(String key) {
        try {
            cache.deleteUnlessTombstone(key);
            if (key != null) {
                suspects.remove(key);
            }
            return true;
        } catch (SessionException e) {
            if (suspects.size() < MAX_SUSPECTS) {
                suspects.add(key);
                LOG.warn("Session cache unavailable; reading this session from the database until it answers");
            } else {
                LOG.error(
                        "Session cache unavailable and {} sessions already wait for invalidation; this one may"
                                + " be served stale from the cache until its entry expires",
                        MAX_SUSPECTS);
            }
            return false;
        }
    }

    /** Installs a test pause (this package's tests only). */
    void pauseAt(Pause pause) {
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** The cache engine (this package's tests only). */
    CacheSessionEngine cache() {
        return cache;
    }

    @Override
    public void close() {
        try {
            cache.close();
        } finally {
            db.close();
        }
    }

    @Override
    public String toString() {
        return "CachedDbSessionEngine[" + db + ", " + cache + "]";
    }
}
