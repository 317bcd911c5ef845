package dev.satchel.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The embedded store: a size-bounded Caffeine cache whose entries expire at their own instant, read
 * from the engine's clock (so tests move time instead of sleeping). Every operation is one atomic map
 * call; an entry evicted for size or past its expiry reads as gone.
 */
public final class CaffeineStore implements CacheStore {
    private final Cache<String, Entry> cache;
    private final long maxItemBytes;

    /** One stored session: the value and the instant it expires. */
    record Entry(String value, Instant expiry) {}

    public CaffeineStore(long maximumSize, long maxItemBytes, Clock clock) {
        this.maxItemBytes = maxItemBytes;
        Ticker ticker = () -> nanos(clock.instant());
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                // Maintenance (eviction) runs on the calling thread, so a bound is enforced at once.
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long currentTime) {
                        return Math.max(0, nanos(entry.expiry()) - currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
                        return Math.max(0, nanos(entry.expiry()) - currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private static long nanos(Instant instant) {
        // Epoch nanoseconds fit a long until the year 2262.
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public Optional<Stored> get(String key) {
        Entry e = cache.getIfPresent(key);
        return e == null ? Optional.empty() : Optional.of(new Stored(e.value(), e));
    }

    @Override
    public boolean contains(String key) {
        return cache.getIfPresent(key) != null;
    }

    @Override
    public boolean add(String key, String value, Ttl ttl) {
        return cache.asMap().putIfAbsent(key, new Entry(value, ttl.expiry())) == null;
    }

    @Override
    public void set(String key, String value, Ttl ttl) {
        cache.put(key, new Entry(value, ttl.expiry()));
    }

    @Override
    public boolean replace(String key, String value, Ttl ttl) {
        return cache.asMap().replace(key, new Entry(value, ttl.expiry())) != null;
    }

    @Override
    public boolean compareAndSet(String key, Object version, String value, Ttl ttl) {
        if (!(version instanceof Entry expected)) {
            return false;
        }
        return cache.asMap().replace(key, expected, new Entry(value, ttl.expiry()));
    }

    @Override
    public void delete(String key) {
        cache.invalidate(key);
    }

    @Override
    public void putTombstone(String key, Ttl ttl) {
        cache.put(key, new Entry(TOMBSTONE, ttl.expiry()));
    }

    @Override
    public boolean setUnlessTombstone(String key, String value, Ttl ttl) {
        boolean[] written = {false};
        cache.asMap().compute(key, (k, old) -> {
            if (old != null && TOMBSTONE.equals(old.value())) {
                return old;
            }
            written[0] = true;
            return new Entry(value, ttl.expiry());
        });
        return written[0];
    }

    @Override
    public boolean deleteUnlessTombstone(String key) {
        return cache.asMap().computeIfPresent(key, (k, old) -> TOMBSTONE.equals(old.value()) ? old : null) != null;
    }

    @Override
    public boolean compareValueAndSet(String key, String expected, String value, Ttl ttl) {
        boolean[] written = {false};
        cache.asMap().computeIfPresent(key, (k, old) -> {
            if (!expected.equals(old.value())) {
                return old;
            }
            written[0] = true;
            return new Entry(value, ttl.expiry());
        });
        return written[0];
    }

    @Override
    public void compareValueAndDelete(String key, String expected) {
        cache.asMap().computeIfPresent(key, (k, old) -> expected.equals(old.value()) ? null : old);
    }

    @Override
    public long maxValueBytes(String key) {
        return maxItemBytes;
    }

    /** How many entries are held right now, after pending maintenance (for tests). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
