package dev.satchel.cache.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * The small port every cache adapter implements: one store call per method, each ending within the
 * configured timeout. Keys are already valid physical keys. Values are strings standing for the bytes
 * stored: UTF-8 text in the {@code satchel} format (Satchel's signed encoding), one char per byte
 * (Latin-1) in the {@code django-pickle} format; the markers below are ASCII, the same bytes in both.
 * Every method throws {@link dev.satchel.SessionStoreUnavailableException} when the store
 * cannot answer, never a client library's own exception.
 */
public interface CacheStore extends AutoCloseable {

    /** The value under {@code key} and its compare-and-set version, or empty if there is none. */
    Optional<Stored> get(String key);

    /** Whether an entry exists under {@code key}. */
    boolean contains(String key);

    /** Stores only if the key is free; {@code false} if it is taken. */
    boolean add(String key, String value, Ttl ttl);

    /** Stores unconditionally. */
    void set(String key, String value, Ttl ttl);

    /** Stores only if the key holds an entry; {@code false} if it is gone. */
    boolean replace(String key, String value, Ttl ttl);

    /**
     * Stores only if the entry is still the one {@code get} returned with {@code version}; {@code
     * false} if it changed or is gone.
     */
    boolean compareAndSet(String key, Object version, String value, Ttl ttl);

    /** Removes the entry; a missing one is not an error. */
    void delete(String key);

    /**
     * The value a {@code cached_db} logout leaves under the session's cache key: Python's pickle
     * (protocol 0) of an empty dict. Django's cache backends unpickle it to {@code {}}, which Django's
     * {@code cached_db} reads as an empty session without falling through to its database; Satchel
     * reads it as "logged out". It can never be a signed session, which holds neither {@code (} nor a
     * newline.
     */
    String TOMBSTONE = "(dp0\n.";

    /**
     * How a lease begins: a writer's claim on a key, {@code S'satchel-lease-<random>'\n0N.}, which a
     * fill replaces with the session ({@link #compareValueAndSet}). Python's pickle reads it as {@code
     * None}, which Django's {@code cached_db} treats as a miss; Satchel treats it as a miss too.
     */
    String LEASE_PREFIX = "S'satchel-lease-";

    /** Whether a stored value is one of the markers (tombstone or lease) rather than a session. */
    static boolean isMarker(String value) {
        return TOMBSTONE.equals(value) || value.startsWith(LEASE_PREFIX);
    }

    /** Stores {@link #TOMBSTONE} under {@code key}, whatever is there. */
    void putTombstone(String key, Ttl ttl);

    /**
     * Stores {@code value} unless the key holds {@link #TOMBSTONE}, as one atomic step; {@code false}
     * (nothing written) if it does. A write that lost a race with a logout can therefore never
     * replace the logout's tombstone.
     */
    boolean setUnlessTombstone(String key, String value, Ttl ttl);

    /**
     * Removes the entry unless it is {@link #TOMBSTONE}, as one atomic step; a missing one is not an
     * error.
     *
     * @return {@code true} if the tombstone is there (nothing was removed)
     */
    boolean deleteUnlessTombstone(String key);

    /**
     * Stores {@code value} only if the entry holds exactly {@code expected} (a lease), as one atomic
     * step; {@code false} if it holds anything else or nothing.
     */
    boolean compareValueAndSet(String key, String expected, String value, Ttl ttl);

    /** Removes the entry only if it holds exactly {@code expected} (a lease), as one atomic step. */
    void compareValueAndDelete(String key, String expected);

    /** The largest value in bytes this store accepts under {@code key}. */
    long maxValueBytes(String key);

    @Override
    void close();

    /** A stored value and what a compare-and-set needs to detect a change. */
    record Stored(String value, Object version) {}

    /**
     * How long an entry lives: the absolute instant (for stores that expire by a clock) and the same
     * span in whole seconds from now, rounded up and at least 1 (for stores that take a TTL).
     */
    record Ttl(Instant expiry, long seconds, Instant now) {
        public static Ttl until(Instant expiry, Instant now) {
            long millis = expiry.toEpochMilli() - now.toEpochMilli();
            long seconds = Math.max(1, (millis + 999) / 1000);
            return new Ttl(expiry, seconds, now);
        }
    }
}
