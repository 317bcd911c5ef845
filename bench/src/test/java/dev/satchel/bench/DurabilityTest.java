package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.testing.Servers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Durability settings read from the real loopback servers (skipped when one is down, failed with
 * {@code CI=true}), from SQLite opened by the db engine, and the verdicts derived from settings.
 */
class DurabilityTest {
    @TempDir
    Path temp;

    private static Durability.Store only(Set<EngineType> engines) {
        List<Durability.Store> stores = Durability.describe(engines).stores();
        assertEquals(1, stores.size(), stores.toString());
        return stores.get(0);
    }

    private static String pg(Statement st, String name) throws Exception {
        try (ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void postgres_settingsAreTheServersOwn() throws Exception {
        Servers.require("PostgreSQL", Stores.POSTGRES_URL);
        List<Durability.Store> both = Durability.describe(EnumSet.of(EngineType.DB_POSTGRES, EngineType.CACHED_DB))
                .stores();
        // cached_db uses both servers.
        assertEquals(
                List.of("PostgreSQL", "Redis"),
                both.stream().map(Durability.Store::store).toList());
        Durability.Store s = both.get(0);
        assertEquals(List.of("db (PostgreSQL)", "cached_db (PostgreSQL + Redis)"), s.engines());
        try (Connection c = DriverManager.getConnection(Stores.POSTGRES_URL);
                Statement st = c.createStatement()) {
            for (String name : List.of("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")) {
                assertEquals(pg(st, name), s.settings().get(name), name + " in " + s);
            }
        }
        assertTrue(!s.verdict().isBlank() && !s.verdict().startsWith("could not"), s.verdict());
    }

    @Test
    void mariadb_settingsAreTheServersOwn() throws Exception {
        Servers.require("MariaDB", Stores.MARIADB_URL);
        Durability.Store s = only(EnumSet.of(EngineType.DB_MARIADB));
        try (Connection c = DriverManager.getConnection(Stores.MARIADB_URL);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin")) {
            rs.next();
            assertEquals(rs.getString(1), s.settings().get("innodb_flush_log_at_trx_commit"), s.toString());
            assertEquals(rs.getString(2), s.settings().get("sync_binlog"), s.toString());
            // @@log_bin reads 0/1, SHOW VARIABLES reads OFF/ON.
            assertEquals(rs.getInt(3) == 1 ? "ON" : "OFF", s.settings().get("log_bin"), s.toString());
        }
        assertTrue(!s.verdict().startsWith("could not"), s.verdict());
    }

    @Test
    void redis_settingsAreTheServersOwn() throws Exception {
        Servers.require("Redis", Stores.REDIS_URL);
        Durability.Store s = only(EnumSet.of(EngineType.CACHE_REDIS));
        var a = Stores.address(Stores.REDIS_URL);
        try (Jedis jedis = new Jedis(a.getHostString(), a.getPort())) {
            for (String key : List.of("appendonly", "appendfsync", "save")) {
                assertEquals(jedis.configGet(key).get(key), s.settings().get(key), key + " in " + s);
            }
        }
        assertTrue(List.of("yes", "no").contains(s.settings().get("appendonly")), s.toString());
        assertTrue(!s.verdict().startsWith("could not"), s.verdict());
    }

    @Test
    void memcached_isDescribedAsMemoryOnly_withoutAsking() {
        Durability.Store s = only(EnumSet.of(EngineType.CACHE_MEMCACHED));
        assertTrue(s.settings().isEmpty());
        assertTrue(s.verdict().contains("memory only"), s.verdict());
    }

    @Test
    void sqlite_isReadThroughTheDbEnginesOwnPool_andTheFloors() {
        Durability.Store s = only(EnumSet.of(EngineType.DB_SQLITE));
        // Dialect.Sqlite gives the pool journal_mode=WAL; synchronous is the driver's default.
        assertEquals("wal", s.settings().get("engine journal_mode"), s.toString());
        assertTrue(
                List.of("OFF", "NORMAL", "FULL", "EXTRA").contains(s.settings().get("engine synchronous")),
                s.toString());
        assertEquals(s.settings().get("engine journal_mode"), s.settings().get("floor journal_mode"));
        assertEquals(s.settings().get("engine synchronous"), s.settings().get("floor synchronous"));
        assertTrue(s.verdict().contains("the floor runs with the same settings"), s.verdict());
    }

    @Test
    void file_policyComesWithALiveDirectoryFsyncCheck() {
        Durability.Store s = only(EnumSet.of(EngineType.FILE));
        assertTrue(s.settings().get("save").contains("force(true)"), s.toString());
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertEquals("accepted", s.settings().get("directory fsync here"), s.toString());
            assertTrue(s.settings().containsKey("directory filesystem"), s.toString());
        }
    }

    @Test
    void settings_roundTripThroughJson() throws Exception {
        Durability.Settings d =
                Durability.describe(EnumSet.of(EngineType.DB_SQLITE, EngineType.FILE, EngineType.SIGNED_COOKIES));
        d.write(temp.resolve("durability.json"));
        assertEquals(d, Durability.Settings.read(temp.resolve("durability.json")));
        assertEquals(
                List.of("SQLite", "file", "cookies"),
                d.stores().stream().map(Durability.Store::store).toList());
    }

    @Test
    void verdicts_followTheSettings() {
        assertTrue(Durability.verdict("PostgreSQL", Map.of("fsync", "off")).startsWith("fsync is off"));
        assertTrue(Durability.verdict("PostgreSQL", Map.of("fsync", "on", "synchronous_commit", "off"))
                .contains("before its WAL is flushed"));
        assertTrue(Durability.verdict(
                        "PostgreSQL", Map.of("fsync", "on", "synchronous_commit", "on", "wal_sync_method", "fdatasync"))
                .contains("after its WAL is flushed to disk (fdatasync)"));
        assertTrue(Durability.verdict("MariaDB", Map.of("innodb_flush_log_at_trx_commit", "1", "log_bin", "OFF"))
                .contains("flushed to disk at every commit"));
        assertTrue(Durability.verdict(
                        "MariaDB", Map.of("innodb_flush_log_at_trx_commit", "2", "log_bin", "ON", "sync_binlog", "1"))
                .contains("binary log on, sync_binlog=1"));
        assertTrue(Durability.verdict("Redis", Map.of("appendonly", "no", "save", ""))
                .contains("in memory only"));
        assertTrue(Durability.verdict("Redis", Map.of("appendonly", "no", "save", "3600 1"))
                .contains("RDB snapshots only"));
        assertTrue(Durability.verdict("Redis", Map.of("appendonly", "yes", "appendfsync", "always"))
                .contains("every write"));
        assertTrue(Durability.verdict("Redis", Map.of("appendonly", "yes", "appendfsync", "everysec"))
                .contains("once a second"));
        Map<String, String> walNormal = Map.of(
                "engine journal_mode",
                "wal",
                "engine synchronous",
                "NORMAL",
                "floor journal_mode",
                "wal",
                "floor synchronous",
                "FULL");
        String v = Durability.verdict("SQLite", walNormal);
        assertTrue(v.contains("only at checkpoints") && v.contains("the floor's settings differ"), v);
        assertEquals("FULL", Durability.synchronousName("2"));
    }

    @Test
    void jvmFlags_ofTheForksAreJmhsArguments_andTheirCollectorIsAsked() throws Exception {
        BenchMain.Plan plan =
                BenchMain.Plan.quick(EnumSet.of(EngineType.CACHE_CAFFEINE), EnumSet.noneOf(PeerType.class));
        JvmFlags f = JvmFlags.describe(
                BenchMain.options(plan, new BenchMain.Run(PairedBenchmark.class, "pair", java.util.Map.of(), 1))
                        .build());
        List<String> fork = f.forkJvmArgs();
        // JMH passes the host's own arguments first, then BenchMain's appended ones.
        assertEquals(
                List.of("-Xms1g", "-Xmx1g", "-Djava.awt.headless=true"), fork.subList(fork.size() - 3, fork.size()));
        assertEquals(f.hostInputArguments(), fork.subList(0, fork.size() - 3));
        assertEquals(1024L, f.forkMaxHeapMiB(), f.toString());
        assertTrue(
                List.of("Serial", "Parallel", "G1", "Z", "Shenandoah", "Epsilon")
                        .contains(f.forkCollector()),
                f.toString());
        assertTrue(!f.hostCollectors().isEmpty());
        f.write(temp.resolve("jvm.json"));
        assertEquals(f, JvmFlags.read(temp.resolve("jvm.json")));

        JvmFlags none = JvmFlags.describe(null);
        assertTrue(none.forkJvmArgs().isEmpty());
        assertEquals("no JMH fork in this run", none.forkFlagsSource());
    }

    @Test
    void parseFlags_readsPrintFlagsFinalLines() {
        Map<String, String> flags = JvmFlags.parseFlags(String.join(
                "\n",
                "[Global flags]",
                "      int ActiveProcessorCount                     = -1                                        {product} {default}",
                "   size_t MaxHeapSize                              = 1073741824                                {product} {command line}",
                "     bool UseG1GC                                  = true                                      {product} {ergonomic}",
                "     bool UseSerialGC                              = false                                     {product} {default}",
                "openjdk version \"17.0.15\" 2025-04-15"));
        assertEquals("1073741824", flags.get("MaxHeapSize"));
        assertEquals("true", flags.get("UseG1GC"));
        assertEquals("false", flags.get("UseSerialGC"));
        assertEquals("-1", flags.get("ActiveProcessorCount"));
    }
}
