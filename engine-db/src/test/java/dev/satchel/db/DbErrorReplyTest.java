package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error replies and refusals from real databases: a read-only server or transaction, terminated
 * connections, a connection limit, a serialization failure, SQLite's BUSY, LOCKED, READONLY and
 * FULL. Each must end as {@link SessionStoreUnavailableException} (or, for a load or a retried
 * statement, the right answer) - never an empty session, a silent success or another exception -
 * and a refused save leaves the previous version in place.
 */
class DbErrorReplyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static PrivatePostgres postgres;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String[]> tables = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        postgres = PrivatePostgres.create();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        for (String[] t : tables) {
            TestDb.drop(t[0], t[1]);
        }
    }

    private DbSessionEngine engine(String url, String table, String... pool) {
        DbSettings.Builder settings = DbSettings.builder().url(url).table(table).timeout(TIMEOUT);
        for (int i = 0; i < pool.length; i += 2) {
            settings.poolProperty(pool[i], pool[i + 1]);
        }
        DbSessionEngine e = DbSessionEngine.builder(TestDb.context(clock))
                .settings(settings.build())
                .build();
        closeables.add(e);
        return e;
    }

    private String table(String url) {
        String table = TestDb.uniqueTable("satchel_err");
        tables.add(new String[] {url, table});
        return table;
    }

    private SessionRecord record(DbSessionEngine e, long n) {
        return record(e, n, "");
    }

    private SessionRecord record(DbSessionEngine e, long n, String padding) {
        return SessionRecord.of(
                e.codec().encode(new LinkedHashMap<>(Map.of("n", n, "pad", padding))),
                clock.instant().plusSeconds(3600));
    }

    private static long version(DbSessionEngine e, Optional<SessionRecord> loaded) {
        return (Long) e.codec().decode(loaded.orElseThrow().data()).data().get("n");
    }

    /** The version stored for the key, read with plain JDBC (not through the engine). */
    private static long stored(DbSessionEngine e, String url, String table, String key) {
        String[] row = TestDb.rawRow(url, table, key);
        assertTrue(row != null, "the row of " + key + " is there");
        return (Long) e.codec().decode(row[0]).data().get("n");
    }

    private static void refused(String label, Runnable call) {
        assertTimeoutPreemptively(
                GUARD, () -> assertThrows(SessionStoreUnavailableException.class, call::run, label), label);
    }

    /** Every kind of write is refused with SessionStoreUnavailableException; loads still answer. */
    private void writesRefused(String label, DbSessionEngine e, String key, long expected) {
        refused(label + ": update", () -> e.save(key, record(e, 99), SaveMode.UPDATE));
        refused(label + ": create", () -> e.save(TestDb.key(), record(e, 99), SaveMode.CREATE));
        refused(label + ": delete", () -> e.delete(key));
        refused(label + ": clearExpired", e::clearExpired);
        assertEquals(expected, version(e, e.load(key)), label + ": a load returns the stored session");
    }

    private static String randomText(int bytes) {
        byte[] b = new byte[bytes / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ------------------------------------------------------------------ PostgreSQL

    @Test
    void postgresReadOnly_defaultTransactionReadOnly_refusesWrites_loadsAnswer_rowIntact() {
        String url = postgres.url();
        String table = table(url);
        DbSessionEngine writer = engine(url, table);
        String key = TestDb.key();
        writer.save(key, record(writer, 1), SaveMode.CREATE);
        postgres.sql("ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()");
        try {
            // Connections opened from now on start read-only, as on a hot standby promoted away from.
            DbSessionEngine readOnly = engine(url, table);
            writesRefused("[postgresql] default_transaction_read_only", readOnly, key, 1);
            assertEquals(1, stored(writer, url, table, key), "the refused saves changed nothing");
        } finally {
            postgres.sql("ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
        }
        DbSessionEngine again = engine(url, table);
        again.save(key, record(again, 2), SaveMode.UPDATE);
        assertEquals(2, stored(again, url, table, key));
    }

    @Test
    void postgresTerminatedConnections_eachCallIsRightOrUnavailable_thenServiceResumes() {
        String url = postgres.url();
        String table = table(url);
        DbSessionEngine engine = engine(url, table);
        String key = TestDb.key();
        engine.save(key, record(engine, 1), SaveMode.CREATE);
        for (int i = 0; i < 5; i++) {
            engine.load(key); // use the pool's connections
        }
        // SQLState 57P01 (admin_shutdown) on every connection of the pool.
        postgres.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
        int refusals = 0;
        long last = 1;
        for (int i = 0; i < 30; i++) {
            try {
                assertEquals(last, version(engine, engine.load(key)), "never an empty or older session");
                engine.save(key, record(engine, last + 1), SaveMode.UPDATE);
                last++;
            } catch (SessionStoreUnavailableException e) {
                refusals++;
            }
        }
        System.out.printf(
                "[postgresql] terminated connections: %d calls refused, %d saves landed%n", refusals, last - 1);
        assertTrue(last > 1, "service resumed after the connections were terminated");
        assertEquals(last, stored(engine, url, table, key));
    }

    @Test
    void postgresConnectionLimit_tooManyConnections_isUnavailable_thenServiceResumes() throws SQLException {
        String url = postgres.url();
        String table = table(url);
        DbSessionEngine owner = engine(url, table);
        String key = TestDb.key();
        owner.save(key, record(owner, 1), SaveMode.CREATE);
        String role = "limited_" + TestDb.uniqueTable("r").substring(2);
        postgres.sql(
                "CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 2", "GRANT ALL ON TABLE " + table + " TO " + role);
        String limitedUrl = url.replace("user=postgres", "user=" + role);
        List<Connection> held = new ArrayList<>();
        try {
            held.add(TestDb.connect(limitedUrl));
            held.add(TestDb.connect(limitedUrl));
            SQLException direct = assertThrows(
                    SQLException.class, () -> TestDb.connect(limitedUrl).close());
            assertEquals("53300", direct.getSQLState(), "the limit is reached: " + direct.getMessage());
            DbSessionEngine limited = engine(limitedUrl, table);
            refused("[postgresql] too many connections: load", () -> limited.load(key));
            refused(
                    "[postgresql] too many connections: update",
                    () -> limited.save(key, record(limited, 9), SaveMode.UPDATE));
            refused("[postgresql] too many connections: delete", () -> limited.delete(key));
            for (Connection c : held) {
                c.close();
            }
            held.clear();
            assertTimeoutPreemptively(GUARD, () -> {
                while (true) {
                    try {
                        limited.save(key, record(limited, 2), SaveMode.UPDATE);
                        return;
                    } catch (SessionStoreUnavailableException e) {
                        Thread.sleep(100);
                    }
                }
            });
            assertEquals(2, version(limited, limited.load(key)));
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void postgresSerializationFailure_isRetriedOrUnavailable_neverLost() throws Exception {
        String url = postgres.url();
        String table = table(url);
        DbSessionEngine setup = engine(url, table);
        String key = TestDb.key();
        setup.save(key, record(setup, 1), SaveMode.CREATE);
        DbSessionEngine engine =
                engine(url, table, "connectionInitSql", "SET default_transaction_isolation = 'serializable'");
        engine.load(key);
        try (Connection other = TestDb.connect(url)) {
            other.setAutoCommit(false);
            other.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try (PreparedStatement ps =
                    other.prepareStatement("UPDATE " + table + " SET session_data = ? WHERE session_key = ?")) {
                ps.setString(1, record(engine, 2).data());
                ps.setString(2, key);
                assertEquals(1, ps.executeUpdate());
            }
            // The engine's UPDATE waits for the other transaction's row lock ...
            CompletableFuture<Object> save = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.save(key, record(engine, 3), SaveMode.UPDATE);
                } catch (RuntimeException e) {
                    return e;
                }
            });
            waitForLockWaiter(url);
            // ... which commits: the engine's statement fails with SQLState 40001 and changed nothing.
            other.commit();
            Object outcome = assertTimeoutPreemptively(GUARD, () -> save.get());
            System.out.println("[postgresql] save after a serialization failure: " + outcome);
            if (outcome instanceof RuntimeException e) {
                assertTrue(e instanceof SessionStoreUnavailableException, "named exception, not " + e);
                assertEquals(2, stored(engine, url, table, key));
            } else {
                assertEquals(key, outcome);
                assertEquals(3, stored(engine, url, table, key), "the acknowledged save is the stored one");
            }
        }
    }

    private static void waitForLockWaiter(String url) {
        assertTimeoutPreemptively(GUARD, () -> {
            while (true) {
                try (Connection c = TestDb.connect(url);
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        });
    }

    // ------------------------------------------------------------------ MariaDB

    @Test
    void mariadbReadOnlyTransactions_refuseWrites_loadsAnswer_rowIntact() {
        Servers.require("MariaDB", Servers.MARIADB_URL);
        String url = Servers.MARIADB_URL;
        String table = table(url);
        DbSessionEngine writer = engine(url, table);
        String key = TestDb.key();
        writer.save(key, record(writer, 1), SaveMode.CREATE);
        // Error 1792 (SQLState 25006), what a read-only transaction on a replica answers.
        DbSessionEngine readOnly = engine(url, table, "connectionInitSql", "SET SESSION TRANSACTION READ ONLY");
        writesRefused("[mariadb] read-only transactions", readOnly, key, 1);
        assertEquals(1, stored(writer, url, table, key), "the refused saves changed nothing");
    }

    // ------------------------------------------------------------------ SQLite

    private String sqliteUrl() {
        return "jdbc:sqlite:" + dir.resolve("errors.sqlite3");
    }

    /** Holds a write lock from another connection while {@code body} runs. */
    private void withOtherConnection(String url, String begin, Consumer<Connection> body) throws SQLException {
        try (Connection other = TestDb.connect(url)) {
            try (Statement st = other.createStatement()) {
                st.execute(begin);
            }
            body.accept(other);
            try (Statement st = other.createStatement()) {
                st.execute("ROLLBACK");
            }
        }
    }

    @Test
    void sqliteBusy_exclusiveLockHeldElsewhere_refusesWrites_loadsAnswer() throws SQLException {
        String url = sqliteUrl();
        DbSessionEngine engine = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        engine.save(key, record(engine, 1), SaveMode.CREATE);
        withOtherConnection(url, "BEGIN EXCLUSIVE", other -> {
            // SQLITE_BUSY (5) once busy_timeout (the engine's timeout) has passed.
            writesRefused("[sqlite] BUSY", engine, key, 1);
        });
        engine.save(key, record(engine, 2), SaveMode.UPDATE);
        assertEquals(2, version(engine, engine.load(key)), "writes resume once the lock is gone");
    }

    @Test
    void sqliteLocked_sharedCacheTableLock_isUnavailable_notEmpty() throws SQLException {
        String url = "jdbc:sqlite:file:" + dir.resolve("shared.sqlite3") + "?cache=shared";
        DbSessionEngine engine = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        engine.save(key, record(engine, 1), SaveMode.CREATE);
        withOtherConnection(url, "BEGIN IMMEDIATE", other -> {
            try (Statement st = other.createStatement()) {
                st.executeUpdate("UPDATE django_session SET expire_date = expire_date");
            } catch (SQLException e) {
                fail(e);
            }
            // SQLITE_LOCKED_SHAREDCACHE (262): another connection of this process holds the table.
            refused("[sqlite] LOCKED: load", () -> engine.load(key));
            refused("[sqlite] LOCKED: update", () -> engine.save(key, record(engine, 9), SaveMode.UPDATE));
            refused("[sqlite] LOCKED: exists", () -> engine.exists(key));
        });
        assertEquals(1, version(engine, engine.load(key)));
    }

    @Test
    void sqliteReadOnly_queryOnly_refusesWrites_rowIntact() {
        String url = sqliteUrl();
        DbSessionEngine writer = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        writer.save(key, record(writer, 1), SaveMode.CREATE);
        // SQLITE_READONLY (8) on every write of this engine's connections.
        DbSessionEngine readOnly = engine(url, DbSettings.DEFAULT_TABLE, "connectionInitSql", "PRAGMA query_only = 1");
        writesRefused("[sqlite] READONLY", readOnly, key, 1);
        assertEquals(1, version(writer, writer.load(key)));
    }

    @Test
    void sqliteFull_maxPageCountReached_refusesTheSave_previousVersionIntact() throws SQLException {
        String url = sqliteUrl();
        DbSessionEngine writer = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        writer.save(key, record(writer, 1), SaveMode.CREATE);
        long pages;
        try (Connection c = TestDb.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA page_count")) {
            rs.next();
            pages = rs.getLong(1);
        }
        // SQLITE_FULL (13): the file may not grow, as on a full disk.
        DbSessionEngine full =
                engine(url, DbSettings.DEFAULT_TABLE, "connectionInitSql", "PRAGMA max_page_count = " + pages);
        refused("[sqlite] FULL: update", () -> full.save(key, record(full, 2, randomText(200_000)), SaveMode.UPDATE));
        refused(
                "[sqlite] FULL: create",
                () -> full.save(TestDb.key(), record(full, 2, randomText(200_000)), SaveMode.CREATE));
        assertEquals(1, version(full, full.load(key)), "the previous version is intact");
        full.save(key, record(full, 3), SaveMode.UPDATE); // a small save still fits
        assertEquals(3, version(writer, writer.load(key)));
    }
}
