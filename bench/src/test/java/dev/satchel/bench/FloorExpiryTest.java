package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;

/**
 * Every server-side floor writes the expiry it is given on every save, as its engine writes a fresh
 * one: a floor that stored a constant (or nothing) would skip work the engine cannot skip. Each test
 * saves an expiry different from the create's and reads it back from the store itself.
 */
class FloorExpiryTest {
    private static final Map<String, Object> DATA = Payload.SMALL.data();
    private static final String ENCODED = "encoded-session";

    @TempDir
    Path temp;

    private static Instant in(Duration d) {
        return Instant.now().plus(d);
    }

    @Test
    void file_setsTheModificationTimeToEachSavesExpiry() throws IOException {
        try (Floor floor = Floors.file(temp)) {
            String key = floor.create(DATA, ENCODED, in(Duration.ofHours(1)));
            Instant second = in(Duration.ofMinutes(7)).truncatedTo(ChronoUnit.MILLIS);
            floor.save(key, DATA, ENCODED, second);
            assertEquals(
                    second,
                    Files.getLastModifiedTime(temp.resolve("floor" + key))
                            .toInstant()
                            .truncatedTo(ChronoUnit.MILLIS));
        }
    }

    @Test
    void caffeine_expiresEachEntryAtItsOwnInstant() {
        try (Floor floor = Floors.caffeine()) {
            String key = floor.create(DATA, ENCODED, in(Duration.ofHours(1)));
            assertNotNull(floor.load(key));
            floor.save(key, DATA, ENCODED, in(Duration.ofSeconds(-1)));
            assertNull(floor.load(key), "an entry saved with a past expiry must be gone");
        }
    }

    @Test
    void sqlite_writesTheExpireDateOnEverySave() {
        jdbc(EngineType.DB_SQLITE);
    }

    @Test
    void postgres_writesTheExpireDateOnEverySave() {
        Servers.require(Stores.POSTGRES_URL);
        jdbc(EngineType.DB_POSTGRES);
    }

    @Test
    void mariadb_writesTheExpireDateOnEverySave() {
        Servers.require(Stores.MARIADB_URL);
        jdbc(EngineType.DB_MARIADB);
    }

    /** The floor's load filters on {@code expire_date > now}, so a past expiry saved makes the row unreadable. */
    private static void jdbc(EngineType type) {
        try (Fixture f = type.open(false)) {
            Floor floor = f.floor();
            String key = floor.create(DATA, ENCODED, in(Duration.ofHours(1)));
            floor.save(key, DATA, ENCODED, in(Duration.ofHours(2)));
            assertNotNull(floor.load(key));
            floor.save(key, DATA, ENCODED, in(Duration.ofSeconds(-5)));
            assertNull(floor.load(key), type + ": the save did not write its expire_date");
        }
    }

    @Test
    void redis_setsTheTtlOfEachSave() {
        Servers.require(Stores.REDIS_URL);
        String prefix = "satchelbench-floortest-" + System.nanoTime() + ":";
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        try (Floor floor = Floors.redis(Stores.REDIS_URL, prefix);
                JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            String key = floor.create(DATA, ENCODED, in(Duration.ofHours(1)));
            assertTtl(3600, jedis.ttl(prefix + key));
            floor.save(key, DATA, ENCODED, in(Duration.ofSeconds(100)));
            assertTtl(100, jedis.ttl(prefix + key));
            jedis.del(prefix + key);
        }
    }

    @Test
    void memcached_setsTheExpiryOfEachSave() throws IOException {
        Servers.require(Stores.MEMCACHED_URL);
        String prefix = "satchelbench-floortest-" + System.nanoTime() + ":";
        try (Floor floor = Floors.memcached(Stores.MEMCACHED_URL, prefix)) {
            String key = floor.create(DATA, ENCODED, in(Duration.ofHours(1)));
            assertTtl(3600, memcachedTtl(prefix + key));
            floor.save(key, DATA, ENCODED, in(Duration.ofSeconds(100)));
            assertTtl(100, memcachedTtl(prefix + key));
        }
    }

    @Test
    void cachedDb_writesTheExpiryToTheDatabaseAndTheCache() {
        Servers.require(Stores.POSTGRES_URL, Stores.REDIS_URL);
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        try (Fixture f = EngineType.CACHED_DB.open(false);
                JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            String table =
                    f.manager().settings().engineProperties("satchel.db.").get("table");
            String key = f.floor().create(DATA, ENCODED, in(Duration.ofHours(1)));
            f.floor().save(key, DATA, ENCODED, in(Duration.ofSeconds(100)));
            var keys = jedis.scan(
                            ScanParams.SCAN_POINTER_START,
                            new ScanParams().match("*:floor:" + key).count(10_000))
                    .getResult();
            assertEquals(1, keys.size(), keys.toString());
            assertTtl(100, jedis.ttl(keys.get(0)));
            try (Floor db = Floors.jdbc(Stores.POSTGRES_URL, table, ds -> ds)) {
                assertNotNull(db.load(key));
                f.floor().save(key, DATA, ENCODED, in(Duration.ofSeconds(-5)));
                assertNull(db.load(key), "the database row did not get the save's expire_date");
            }
        }
    }

    private static void assertTtl(long expected, long actual) {
        assertTrue(actual <= expected && actual >= expected - 5, "TTL " + actual + " s, expected about " + expected);
    }

    /** The remaining TTL through memcached's meta get ({@code mg <key> t}, memcached 1.6+). */
    private static long memcachedTtl(String key) throws IOException {
        InetSocketAddress a = Stores.address(Stores.MEMCACHED_URL);
        try (Socket s = new Socket(a.getHostString(), a.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("mg " + key + " t\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            Matcher m = Pattern.compile("^HD .*\\bt(-?\\d+)")
                    .matcher(line.toString().trim());
            assertTrue(m.find(), "memcached answered: " + line);
            return Long.parseLong(m.group(1));
        }
    }
}
