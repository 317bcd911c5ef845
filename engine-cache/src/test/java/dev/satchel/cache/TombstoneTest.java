package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.satchel.SessionKeys;
import dev.satchel.SessionSettings;
import dev.satchel.cache.internal.CacheStore;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

/**
 * The tombstone operations {@code cached_db} builds its logout on, on every store: a tombstone
 * refuses "set unless tombstone" and survives "delete unless tombstone"; anything else is written or
 * removed; and a write racing a tombstone never replaces it.
 */
class TombstoneTest {
    private final MutableClock clock = new MutableClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private CacheSessionEngine engine;

    private void open(String store) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey("tombstone-test-secret-0123456789")
                .engineProperty(CacheSettings.URL, CacheStoreBehaviourTest.urlOf(store))
                .engineProperty(
                        CacheSettings.KEY_PREFIX,
                        "tomb-" + UUID.randomUUID().toString().substring(0, 8))
                .build();
        engine = CacheSessionEngine.create(
                EngineContext.of(settings, clock), CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        if (engine != null) {
            engine.close();
        }
    }

    private SessionRecord record(long n) {
        return SessionRecord.of(
                engine.codec().encode(new LinkedHashMap<>(Map.of("n", n))),
                clock.instant().plusSeconds(600));
    }

    private Optional<String> stored(String key) {
        return engine.store().get(engine.cacheKey(key)).map(CacheStore.Stored::value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void aTombstoneRefusesWritesAndInvalidations_anythingElseDoesNot(String store) {
        open(store);
        String key = SessionKeys.generate();
        assertTrue(engine.setUnlessTombstone(key, record(1)), "no entry: written");
        assertEquals(Optional.of(record(1).data()), stored(key));
        assertTrue(engine.setUnlessTombstone(key, record(2)), "a session entry: replaced");
        assertEquals(Optional.of(record(2).data()), stored(key));
        engine.deleteUnlessTombstone(key);
        assertEquals(Optional.empty(), stored(key), "a session entry: invalidated");
        engine.deleteUnlessTombstone(key); // nothing there: not an error

        engine.putTombstone(key, Duration.ofHours(1));
        assertTrue(CacheSessionEngine.isTombstone(engine.load(key).orElseThrow()));
        assertFalse(engine.setUnlessTombstone(key, record(3)), "a tombstone refuses the write");
        engine.deleteUnlessTombstone(key);
        assertEquals(Optional.of(CacheStore.TOMBSTONE), stored(key), "and survives the invalidation");
        engine.putTombstone(key, Duration.ofHours(1)); // a second logout
        assertEquals(Optional.of(CacheStore.TOMBSTONE), stored(key));
        engine.delete(key);
    }

    @Test
    void onRedis_aKeyOfAnotherTypeIsNoTombstone() {
        open("redis");
        String key = SessionKeys.generate();
        try (JedisPooled jedis = new JedisPooled(URI.create(Servers.REDIS_URL))) {
            jedis.lpush(engine.cacheKey(key), "someone else's list");
            engine.deleteUnlessTombstone(key);
            assertFalse(jedis.exists(engine.cacheKey(key)));
            jedis.lpush(engine.cacheKey(key), "someone else's list");
            assertTrue(engine.setUnlessTombstone(key, record(1)));
            assertEquals(record(1).data(), jedis.get(engine.cacheKey(key)));
            engine.putTombstone(key, Duration.ofMinutes(5));
            long ttl = jedis.ttl(engine.cacheKey(key));
            assertTrue(ttl > 250 && ttl <= 300, "the tombstone lives as long as asked: " + ttl);
            jedis.del(engine.cacheKey(key));
        }
    }

    /** What Django's pymemcache client reads: the tombstone with the pickle flag, so it unpickles to {}. */
    @Test
    void onMemcached_theTombstoneCarriesThePickleFlag() throws Exception {
        open("memcached");
        String key = SessionKeys.generate();
        engine.putTombstone(key, Duration.ofMinutes(5));
        URI uri = URI.create(Servers.MEMCACHED_URL.replace("memcached://", "tcp://"));
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("get " + engine.cacheKey(key) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            while (!reply.toString(StandardCharsets.US_ASCII).endsWith("END\r\n")) {
                int b = in.read();
                if (b < 0) {
                    fail("memcached closed the connection: " + reply);
                }
                reply.write(b);
            }
            assertEquals(
                    "VALUE " + engine.cacheKey(key) + " 1 6\r\n(dp0\n.\r\nEND\r\n",
                    reply.toString(StandardCharsets.US_ASCII));
        }
        engine.delete(key);
    }

    /**
     * A writer keeps writing through while a logout writes the tombstone; once the tombstone is
     * written, no write may replace it. Bounded: 200 rounds or 5 seconds per store.
     */
    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void writesRacingATombstone_neverReplaceIt(String store) throws Exception {
        open(store);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int round = 0; round < 200 && System.nanoTime() < deadline; round++) {
            String key = SessionKeys.generate();
            SessionRecord data = record(round);
            Future<Integer> writer = pool.submit(() -> {
                int refused = 0;
                for (int i = 0; i < 20; i++) {
                    if (!engine.setUnlessTombstone(key, data)) {
                        refused++;
                    }
                    if (i % 5 == 4) {
                        engine.deleteUnlessTombstone(key);
                    }
                }
                return refused;
            });
            engine.putTombstone(key, Duration.ofMinutes(5));
            writer.get(30, TimeUnit.SECONDS);
            if (!stored(key).equals(Optional.of(CacheStore.TOMBSTONE))) {
                fail("[" + store + "] round " + round + ": the tombstone was replaced by " + stored(key));
            }
            engine.delete(key);
        }
    }
}
