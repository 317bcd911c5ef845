package dev.satchel.db;

import dev.satchel.CreateException;
import dev.satchel.SessionException;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.cache.CacheSettings;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.time.Duration;
import java.util.Map;
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
 * <p><b>Design: leases and tombstones.</b> A cache write of a save or of a load's miss can be delayed
 * (a paused thread, a stalled connection) past a logout or a newer save, and an unconditional write
 * would then serve a logged-out or older session for the whole session age. So no cache write is
 * unconditional:
 *
 * <ul>
 *   <li>Before touching the database, a writer (a save, or a load that missed) claims the entry with a
 *       fresh lease, unless a tombstone is there. After the database step it fills the entry only if
 *       its own lease is still in place (one atomic store step: a Redis script, memcached {@code
 *       gets}+{@code cas}, a Caffeine {@code compute}). Any later claim (another save, a logout)
 *       replaces the lease, so a fill that lost a race writes nothing; a save whose fill lost
 *       invalidates the entry, since a later writer may have filled the entry before this save's
 *       commit. A lease lives {@link #LEASE_LIFETIME}, so a fill delayed longer than that (a stalled
 *       connection delivering it late) finds nothing to replace and writes nothing.
 *   <li>A logout writes a tombstone (a value no session can be, living the cookie age and at least a
 *       day) and only then deletes the row. Tombstones refuse leases and are never overwritten or
 *       invalidated by this engine, so a logout that returned is final.
 * </ul>
 *
 * Chosen over versioned entries because Django's schema has no version column, and over
 * invalidate-instead-of-set because a delayed write-back would still land after the invalidation. The
 * price is one more cache round trip per save and per miss (two on memcached), and one to release
 * the lease when the database has no row or fails.
 *
 * <ul>
 *   <li><b>load</b>: a tombstone is "no session", without reading the database; a lease is a miss. A
 *       miss reads the database and fills the entry if its lease held. A cache that cannot answer is
 *       logged and the database answers alone.
 *   <li><b>save</b>: lease, database, fill. If a tombstone refuses the lease, the logout won: the row
 *       is deleted (a logout that raised after its tombstone may have left it) and the save raises
 *       {@link UpdateException} without writing ({@link CreateException} for a create, so a fresh key
 *       is drawn), as the {@code db} engine does for a save after a logout. A cache that fails never
 *       fails the save: the entry is invalidated instead (never a tombstone), and if even that fails
 *       this engine remembers the key and reads it from the database, retrying the invalidation, until
 *       the cache answers. What remains: another process sharing the cache may read the older entry
 *       until it expires or the session is saved again.
 *   <li><b>logout</b> ({@link #delete}) is final or raises: if the tombstone cannot be written (cache
 *       down or frozen), {@link SessionStoreUnavailableException} is raised before the database is
 *       touched, so the session stays intact (or, if the stalled tombstone still arrives, logged out;
 *       never partly). If the database delete then fails, the logout raises with the tombstone in
 *       place: the session is logged out wherever the cache answers.
 *   <li>{@code exists} asks only the database, the authority.
 * </ul>
 *
 * <p>With Django sharing the cache ({@code satchel.cache.value-format=django-pickle}): entries are
 * the session dict pickled as Django's cache backends store it, so each side reads the other's
 * entries; the database rows are Django's signed format as always. A session read from a pickled
 * entry is versioned by its content: a conflict-detecting save checks that the row still holds the
 * same data and saves only if the row is unchanged since. The tombstone unpickles to an empty dict,
 * which Django's {@code cached_db} serves as an empty session without reading its database, and a
 * lease unpickles to {@code None}, a miss (on memcached both carry pymemcache's pickle flag). Django's
 * own writes are unconditional and can overwrite a tombstone or a lease. In the default {@code satchel}
 * format, entries are signed strings Django cannot use: sharing a cache with Django needs {@code
 * django-pickle}.
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

    /** How long a lease may wait for its fill; a later fill finds it gone and writes nothing. */
    static final Duration LEASE_LIFETIME = Duration.ofMinutes(1);

    /** How many keys with a possibly stale cache entry are remembered at most. */
    static final int MAX_SUSPECTS = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(CachedDbSessionEngine.class);

    private final DbSessionEngine db;
    private final CacheSessionEngine cache;
    private final Duration tombstoneLifetime;
    private final boolean pickles;

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
     * {@link #MIN_TOMBSTONE_LIFETIME}.
     */
    public CachedDbSessionEngine(DbSessionEngine db, CacheSessionEngine cache) {
        this(db, cache, MIN_TOMBSTONE_LIFETIME);
    }

    CachedDbSessionEngine(DbSessionEngine db, CacheSessionEngine cache, Duration tombstoneLifetime) {
        this.db = Objects.requireNonNull(db, "db");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.tombstoneLifetime = Objects.requireNonNull(tombstoneLifetime, "tombstoneLifetime");
        this.pickles = cache.settings().valueFormat() == CacheSettings.ValueFormat.DJANGO_PICKLE;
    }

    /** The engine the settings describe: {@code satchel.db.*} for the database, {@code satchel.cache.*} for the cache. */
    public static CachedDbSessionEngine create(EngineContext context) {
        DbSessionEngine db = DbSessionEngine.builder(context).name(NAME).build();
        try {
            return new CachedDbSessionEngine(
                    db,
                    CacheSessionEngine.create(context, CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX),
                    tombstoneLifetime(context.settings().cookieAge()));
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
        if (cached.isPresent() && CacheSessionEngine.isTombstone(cached.get())) {
            return Optional.empty();
        }
        if (cached.isPresent() && !CacheSessionEngine.isLease(cached.get())) {
            return Optional.of(fromCache(cached.get()));
        }
        Lease lease = lease(key);
        if (lease.loggedOut()) {
            return Optional.empty();
        }
        Optional<SessionRecord> stored;
        try {
            stored = db.load(key);
        } catch (RuntimeException e) {
            release(key, lease);
            throw e;
        }
        pause.at(Step.READ, key);
        if (stored.isEmpty()) {
            release(key, lease); // unknown keys leave nothing in the cache
        } else if (lease.token() != null) {
            fill(key, lease, stored.get()); // if the lease was taken, a later writer fills instead
        }
        return stored;
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        Lease lease = lease(key);
        if (lease.loggedOut()) {
            refuseLoggedOut(key, mode);
        }
        String stored;
        try {
            stored = db.save(key, record, mode);
        } catch (RuntimeException e) {
            release(key, lease);
            throw e;
        }
        pause.at(Step.SAVED, stored);
        writeThrough(stored, lease, record, mode);
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
            Lease lease = lease(key);
            if (lease.loggedOut()) {
                refuseLoggedOut(key, SaveMode.UPDATE);
            }
            String stored;
            try {
                stored = expectedVersion instanceof CachedContent content
                        ? saveIfContentUnchanged(dbSave, key, record, content)
                        : dbSave.saveIfUnchanged(key, record, expectedVersion);
            } catch (RuntimeException e) {
                release(key, lease);
                throw e;
            }
            pause.at(Step.SAVED, stored);
            writeThrough(stored, lease, record, SaveMode.UPDATE);
            return stored;
        });
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return db.sweeper();
    }

    /**
     * The version of a session read from a {@code django-pickle} cache: its data, since the pickle
     * holds no trace of the database row's exact value.
     */
    private record CachedContent(Map<String, Object> data) {}

    /**
     * A record read from the cache, as the session layer and the database take it: in Satchel's format
     * the entry is the row's value and its own version; a pickle (the {@code django-pickle} format,
     * shared with Django) is signed again and versioned by its content. A pickle that is not plain
     * data stays as it is, so the session layer reads it as corrupted (an empty session).
     */
    private SessionRecord fromCache(SessionRecord r) {
        if (!pickles) {
            // The data is also the version the database's conditional save compares with.
            return new SessionRecord(r.data(), r.expiry(), r.data());
        }
        Map<String, Object> data;
        try {
            data = cache.codec().decode(r.data()).data();
        } catch (SessionException e) {
            return new SessionRecord(r.data(), r.expiry(), null);
        }
        return new SessionRecord(db.codec().encode(data), r.expiry(), new CachedContent(data));
    }

    /** A committed record as the cache stores it: the row's value, or its data pickled. */
    private SessionRecord toCache(SessionRecord record) {
        if (!pickles) {
            return record;
        }
        Map<String, Object> data = db.codec().decode(record.data()).data();
        return new SessionRecord(cache.codec().encode(data), record.expiry(), null);
    }

    /**
     * A conditional save of a session loaded from a pickled cache entry: the row must still hold the
     * same data, and the save is conditional on the row's exact value as read here.
     */
    private String saveIfContentUnchanged(
            ConditionalSave dbSave, String key, SessionRecord record, CachedContent expected) {
        Optional<SessionRecord> row = db.load(key);
        if (row.isEmpty()) {
            throw new UpdateException("the session is no longer in the database");
        }
        Map<String, Object> current;
        try {
            current = db.codec().decode(row.get().data()).data();
        } catch (SessionException e) {
            throw new UpdateException("the session's row changed since it was loaded");
        }
        if (!current.equals(expected.data())) {
            throw new UpdateException("the session changed since it was loaded");
        }
        return dbSave.saveIfUnchanged(key, record, row.get().version());
    }

    /** A writer's claim on the cache entry: its lease, none (the cache failed), or a logout's tombstone. */
    private record Lease(String token, boolean loggedOut) {
        static final Lease NONE = new Lease(null, false);
        static final Lease LOGGED_OUT = new Lease(null, true);
    }

    private Lease lease(String key) {
        if (key == null || !cache.acceptsKey(key)) {
            return Lease.NONE; // a key the cache never holds
        }
        try {
            return cache.lease(key, LEASE_LIFETIME)
                    .map(t -> new Lease(t, false))
                    .orElse(Lease.LOGGED_OUT);
        } catch (SessionException e) {
            LOG.warn("Session cache unavailable; the database alone answers this call: {}", e.getMessage());
            return Lease.NONE;
        }
    }

    /** Removes the lease if nothing is to fill it (best effort: it expires by itself). */
    private void release(String key, Lease lease) {
        if (lease.token() == null) {
            return;
        }
        try {
            cache.release(key, lease.token());
        } catch (SessionException e) {
            LOG.debug("Could not release a session cache lease; it expires by itself: {}", e.getMessage());
        }
    }

    /** A save of a logged-out session: complete the logout in the database and refuse the save. */
    private void refuseLoggedOut(String key, SaveMode mode) {
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
     * Puts a committed record in the cache in place of the save's lease. If the lease was taken, a
     * later writer may have filled the entry before this commit, so the entry is invalidated; if a
     * logout's tombstone took it, the logout wins.
     */
    private void writeThrough(String key, Lease lease, SessionRecord record, SaveMode mode) {
        if (lease.token() != null && fill(key, lease, record)) {
            return;
        }
        if (lease.token() == null) {
            invalidate(key);
            return;
        }
        Boolean tombstone = invalidateOrNull(key);
        if (Boolean.TRUE.equals(tombstone)) {
            refuseLoggedOut(key, mode);
        }
    }

    /** Fills the entry in place of the lease; {@code false} if the lease was taken or the cache failed. */
    private boolean fill(String key, Lease lease, SessionRecord record) {
        try {
            return cache.fill(key, lease.token(), toCache(record));
        } catch (SessionException e) {
            LOG.warn("Session cache write failed; the database holds the session: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Removes the key's entry unless it is a tombstone. If the cache does not answer, the key is
     * remembered and read from the database until an invalidation succeeds.
     *
     * @return whether the cache confirmed it
     */
    private boolean invalidate(String key) {
        return invalidateOrNull(key) != null;
    }

    /** {@link #invalidate}: whether a tombstone is there, or {@code null} if the cache did not answer. */
    private Boolean invalidateOrNull(String key) {
        try {
            boolean tombstone = cache.deleteUnlessTombstone(key);
            if (key != null) {
                suspects.remove(key);
            }
            return tombstone;
        } catch (SessionException e) {
            if (key == null) {
                return null;
            }
            if (suspects.size() < MAX_SUSPECTS) {
                suspects.add(key);
                LOG.warn("Session cache unavailable; reading this session from the database until it answers");
            } else {
                LOG.error(
                        "Session cache unavailable and {} sessions already wait for invalidation; this one may"
                                + " be served stale from the cache until its entry expires",
                        MAX_SUSPECTS);
            }
            return null;
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
