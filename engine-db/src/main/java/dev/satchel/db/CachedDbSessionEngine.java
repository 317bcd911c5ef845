package dev.satchel.db;

import dev.satchel.SessionException;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code cached_db}: the database is the truth and a cache in front of it serves reads.
 * Saves go to the database first, then to the cache; a cache that fails is logged and never fails
 * the request, and a load that cannot reach the cache reads the database. Cache keys are Django's
 * ({@code <prefix>:<version>:django.contrib.sessions.cached_db<key>}); the cache is configured with
 * the same {@code satchel.cache.*} keys as the {@code cache} engine (Caffeine by default).
 *
 * <p>Unlike Django, {@code exists} asks only the database: the cache may still hold a record the
 * database no longer has (deleted or swept), and the database is the authority.
 */
public final class CachedDbSessionEngine implements SessionEngine {
    /** The name this engine is registered under. */
    public static final String NAME = "cached_db";

    private static final Logger LOG = LoggerFactory.getLogger(CachedDbSessionEngine.class);

    private final DbSessionEngine db;
    private final CacheSessionEngine cache;

    /** Write-through over these two engines (both are closed with this one). */
    public CachedDbSessionEngine(DbSessionEngine db, CacheSessionEngine cache) {
        this.db = Objects.requireNonNull(db, "db");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** The engine the settings describe: {@code satchel.db.*} for the database, {@code satchel.cache.*} for the cache. */
    public static CachedDbSessionEngine create(EngineContext context) {
        DbSessionEngine db = DbSessionEngine.builder(context).name(NAME).build();
        try {
            return new CachedDbSessionEngine(
                    db, CacheSessionEngine.create(context, CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
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
        try {
            Optional<SessionRecord> cached = cache.load(key);
            if (cached.isPresent()) {
                // The data is also the version the database's conditional save compares with.
                SessionRecord r = cached.get();
                return Optional.of(new SessionRecord(r.data(), r.expiry(), r.data()));
            }
        } catch (SessionStoreUnavailableException e) {
            LOG.warn("Session cache unavailable, reading the database: {}", e.getMessage());
            return db.load(key);
        }
        Optional<SessionRecord> stored = db.load(key);
        stored.ifPresent(r -> writeThrough(key, r));
        return stored;
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        String stored = db.save(key, record, mode);
        writeThrough(stored, record);
        return stored;
    }

    @Override
    public boolean exists(String key) {
        return db.exists(key);
    }

    @Override
    public void delete(String key) {
        db.delete(key);
        try {
            cache.delete(key);
        } catch (SessionException e) {
            LOG.warn("Session cache unavailable while deleting; the entry expires by itself: {}", e.getMessage());
        }
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return db.conditionalSave().map(dbSave -> (key, record, expectedVersion) -> {
            String stored = dbSave.saveIfUnchanged(key, record, expectedVersion);
            writeThrough(stored, record);
            return stored;
        });
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return db.sweeper();
    }

    /**
     * Puts the database's record in the cache. If that fails, the stale entry is removed when
     * possible, so readers fall back to the database rather than see an older version.
     */
    private void writeThrough(String key, SessionRecord record) {
        try {
            cache.set(key, record);
        } catch (SessionException e) {
            LOG.warn("Session cache write failed; the database holds the session: {}", e.getMessage());
            try {
                cache.delete(key);
            } catch (SessionException again) {
                LOG.warn("Session cache still unavailable; a stale entry may remain until it expires");
            }
        }
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
