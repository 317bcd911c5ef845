package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;

/**
 * The Django pairs against Debian's python3-django: every row measured, no miss on either side, the
 * file rows flagged, and nothing left on the servers. Skipped without python3-django, except under
 * {@code CI=true} (scripts/test-deps installs it).
 */
class DjangoReferenceTest {
    private static final DjangoPairs.Plan TINY =
            new DjangoPairs.Plan(2, Duration.ofMillis(30), Duration.ofMillis(10), List.of(Payload.MEDIUM));

    @TempDir
    Path temp;

    @BeforeAll
    static void django() {
        boolean installed = DjangoProcess.installed();
        if (!installed && "true".equals(System.getenv("CI"))) {
            fail("CI=true and python3-django is not installed (scripts/test-deps)");
        }
        assumeTrue(installed, "python3-django is not installed");
    }

    @Test
    void embeddedEngines_everyOperationIsPaired_andTheSectionFlagsTheFileRows() throws Exception {
        Set<EngineType> engines = EnumSet.copyOf(EngineType.EMBEDDED);
        DjangoReference.measure(engines, "test", TINY, temp.resolve(DjangoReference.FILE));
        JsonNode ref =
                new ObjectMapper().readTree(temp.resolve(DjangoReference.FILE).toFile());

        assertEquals(16, ref.path("results").size(), "4 engines × 4 operations: " + ref);
        for (JsonNode c : ref.path("results")) {
            assertTrue(c.path("error").isNull(), c.toString());
            assertEquals(2, c.path("pairs").asInt(), c.toString());
            assertEquals(2, c.path("rounds").size(), c.toString());
            assertEquals(0, c.path("djangoMisses").asLong(), c.toString());
            assertTrue(c.path("satchelSessionsIntact").asBoolean(), c.toString());
            assertTrue(c.path("ratio").asDouble() > 0, c.toString());
            String op = c.path("operation").asText();
            if (op.equals("load") || op.equals("cycle")) {
                assertTrue(c.path("djangoHits").asLong() > 0, c.toString());
            }
            assertEquals(
                    c.path("engine").asText().equals("FILE"),
                    c.path("djangoSkipsFsync").asBoolean());
        }
        assertEquals(
                "ENCRYPTED_COOKIES", ref.path("skipped").get(0).path("engine").asText());

        String md = DjangoReference.section(temp);
        assertTrue(md.contains("| file | file † | save | medium |"), md);
        assertTrue(md.contains("| cache (Caffeine) | cache on LocMemCache | cycle | medium |"), md);
        assertTrue(md.contains("missed it 0 times"), md);
        assertTrue(md.contains("† Django's `file` backend"), md);
    }

    @Test
    void locMem_cycleStillFindsItsSessionsAfterManyCreates() throws Exception {
        // Before the fix, a create benchmark stored more sessions than LocMemCache's MAX_ENTRIES and its
        // cull removed the prepared ones: the cycle then measured misses and creates.
        try (DjangoProcess django = DjangoProcess.start(Files.createDirectories(temp.resolve("w")), prefix())) {
            django.prepare(DjangoBackend.CACHE_LOCMEM, Payload.MEDIUM, DjangoPairs.SLOTS);
            long created = 0;
            for (int i = 0; i < 3; i++) {
                created += django.run(Operation.CREATE, Duration.ofMillis(300)).ops();
            }
            assertTrue(created > 300, "more creates than Django's default MAX_ENTRIES: " + created);
            DjangoProcess.Round cycle = django.run(Operation.CYCLE, Duration.ofMillis(100));
            assertEquals(0, cycle.misses(), cycle.toString());
            assertEquals(cycle.ops(), cycle.hits(), cycle.toString());
        }
    }

    @Test
    void networkedEngines_arePaired_andLeaveNothingOnTheServers() throws Exception {
        Servers.require(Stores.POSTGRES_URL, Stores.MARIADB_URL, Stores.REDIS_URL, Stores.MEMCACHED_URL);
        Set<EngineType> engines = EnumSet.of(
                EngineType.CACHE_REDIS,
                EngineType.CACHE_MEMCACHED,
                EngineType.DB_POSTGRES,
                EngineType.DB_MARIADB,
                EngineType.CACHED_DB);
        DjangoReference.measure(engines, "test", TINY, temp.resolve(DjangoReference.FILE));
        JsonNode ref =
                new ObjectMapper().readTree(temp.resolve(DjangoReference.FILE).toFile());
        assertEquals(20, ref.path("results").size(), ref.toString());
        for (JsonNode c : ref.path("results")) {
            assertTrue(c.path("error").isNull(), c.toString());
            assertEquals(0, c.path("djangoMisses").asLong(), c.toString());
            assertTrue(c.path("satchelSessionsIntact").asBoolean(), c.toString());
        }

        String prefix = prefix();
        try (DjangoProcess django = DjangoProcess.start(Files.createDirectories(temp.resolve("w")), prefix)) {
            for (DjangoBackend b :
                    List.of(DjangoBackend.DB_POSTGRES, DjangoBackend.DB_MARIADB, DjangoBackend.CACHED_DB)) {
                django.prepare(b, Payload.SMALL, 4);
                django.run(Operation.CREATE, Duration.ofMillis(20));
                assertTrue(
                        tableExists(b == DjangoBackend.DB_MARIADB ? Stores.MARIADB_URL : Stores.POSTGRES_URL, prefix));
            }
            django.cleanup();
        }
        assertFalse(tableExists(Stores.POSTGRES_URL, prefix));
        assertFalse(tableExists(Stores.MARIADB_URL, prefix));
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        try (JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            var left = jedis.scan(
                    ScanParams.SCAN_POINTER_START,
                    new ScanParams().match(prefix + ":*").count(100_000));
            assertTrue(left.getResult().isEmpty(), left.getResult().toString());
        }
    }

    private static String prefix() {
        return "djbenchtest" + Long.toString(System.nanoTime() & 0xffffffffL, 36);
    }

    private static boolean tableExists(String url, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.getMetaData().getTables(null, null, prefix + "_session", null)) {
            return rs.next();
        }
    }
}
