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
 * The lease and tombstone operations {@code cached_db} builds on, on every store: only the lease in
 * place fills; a tombstone refuses leases and fills and survives invalidation; and writes racing a
 * tombstone never replace it.
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
    void onlyTheLatestLeaseFills_andATombstoneRefusesLeasesFillsAndInvalidations(String store) {
        open(store);
        String key = SessionKeys.generate();
        String first = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        assertTrue(first.startsWith(CacheStore.LEASE_PREFIX));
        assertTrue(CacheSessionEngine.isLease(engine.load(key).orElseThrow()), "a lease reads as a lease (a miss)");
        String second = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        assertFalse(engine.fill(key, first, record(1)), "a lease taken by a later writer does not fill");
        assertEquals(Optional.of(second), stored(key));
        assertTrue(engine.fill(key, second, record(2)), "the lease in place fills");
        assertEquals(Optional.of(record(2).data()), stored(key));
        assertFalse(engine.fill(key, second, record(3)), "once");
        assertFalse(engine.deleteUnlessTombstone(key));
        assertEquals(Optional.empty(), stored(key), "a session entry is invalidated");
        assertFalse(engine.deleteUnlessTombstone(key), "nothing there: not an error");

        String third = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        engine.putTombstone(key, Duration.ofHours(1)); // a logout
        assertTrue(CacheSessionEngine.isTombstone(engine.load(key).orElseThrow()));
        assertFalse(engine.fill(key, third, record(4)), "a logout voids the pending fill");
        assertEquals(Optional.empty(), engine.lease(key, Duration.ofMinutes(1)), "and refuses new leases");
        assertTrue(engine.deleteUnlessTombstone(key), "and survives invalidation");
        assertEquals(Optional.of(CacheStore.TOMBSTONE), stored(key));
        engine.putTombstone(key, Duration.ofHours(1)); // a second logout
        assertEquals(Optional.of(CacheStore.TOMBSTONE), stored(key));
        engine.delete(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void releasingALease_removesOnlyThatLease(String store) {
        open(store);
        String key = SessionKeys.generate();
        String first = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        String second = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        engine.release(key, first);
        assertEquals(Optional.of(second), stored(key), "another writer's lease stays");
        engine.release(key, second);
        assertEquals(Optional.empty(), stored(key), "its own lease goes");
        String third = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        assertTrue(engine.fill(key, third, record(1)));
        engine.release(key, third);
        assertEquals(Optional.of(record(1).data()), stored(key), "a session entry stays");
        engine.putTombstone(key, Duration.ofMinutes(5));
        engine.release(key, third);
        assertEquals(Optional.of(CacheStore.TOMBSTONE), stored(key), "a tombstone stays");
        engine.delete(key);
    }

    @Test
    void onRedis_aKeyOfAnotherTypeIsNoTombstone() {
        open("redis");
        String key = SessionKeys.generate();
        try (JedisPooled jedis = new JedisPooled(URI.create(Servers.REDIS_URL))) {
            jedis.lpush(engine.cacheKey(key), "someone else's list");
            assertFalse(engine.deleteUnlessTombstone(key));
            assertFalse(jedis.exists(engine.cacheKey(key)));
            jedis.lpush(engine.cacheKey(key), "someone else's list");
            String lease = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
            assertTrue(engine.fill(key, lease, record(1)));
            assertEquals(record(1).data(), jedis.get(engine.cacheKey(key)));
            engine.putTombstone(key, Duration.ofMinutes(5));
            long ttl = jedis.ttl(engine.cacheKey(key));
            assertTrue(ttl > 250 && ttl <= 300, "the tombstone lives as long as asked: " + ttl);
            jedis.del(engine.cacheKey(key));
        }
    }

    /** What Django's pymemcache client reads: the markers carry the pickle flag, sessions do not. */
    @Test
    void onMemcached_theMarkersCarryThePickleFlag() throws Exception {
        open("memcached");
        String key = SessionKeys.generate();
        String lease = engine.lease(key, Duration.ofMinutes(1)).orElseThrow();
        assertEquals(
                "VALUE " + engine.cacheKey(key) + " 1 " + lease.length() + "\r\n" + lease + "\r\nEND\r\n", rawGet(key));
        assertTrue(engine.fill(key, lease, record(1)));
        assertEquals(
                "VALUE " + engine.cacheKey(key) + " 0 " + record(1).data().length() + "\r\n"
                        + record(1).data() + "\r\nEND\r\n",
                rawGet(key));
        engine.putTombstone(key, Duration.ofMinutes(5));
        assertEquals("VALUE " + engine.cacheKey(key) + " 1 6\r\n(dp0\n.\r\nEND\r\n", rawGet(key));
        engine.delete(key);
    }

    private String rawGet(String key) throws Exception {
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
            return reply.toString(StandardCharsets.US_ASCII);
        }
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
                    Optional<String> lease = engine.lease(key, Duration.ofMinutes(1));
                    if (lease.isEmpty() || !engine.fill(key, lease.get(), data)) {
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
