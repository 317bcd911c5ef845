package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * Faults: a database that is not there, one frozen mid-conversation behind a TCP proxy, a SQLite file
 * that becomes read-only. Each call ends with SessionStoreUnavailableException within the timeout
 * (hang guards only; measured times are printed), no row is half written, and service resumes by
 * itself.
 */
class DbFaultTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration GUARD = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String[]> tables = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        for (String[] t : tables) {
            TestDb.drop(t[0], t[1]);
        }
    }

    private DbSessionEngine engine(String url, String table) {
        DbSessionEngine e = DbSessionEngine.builder(TestDb.context(clock))
                .settings(DbSettings.builder()
                        .url(url)
                        .table(table)
                        .timeout(TIMEOUT)
                        .build())
                .build();
        closeables.add(e);
        return e;
    }

    private SessionRecord record(DbSessionEngine e, long n) {
        return SessionRecord.of(
                e.codec().encode(new LinkedHashMap<>(Map.of("n", n))),
                clock.instant().plusSeconds(3600));
    }

    private <T> void unavailable(String label, Supplier<T> call) {
        long start = System.nanoTime();
        assertTimeoutPreemptively(GUARD, () -> assertThrows(SessionStoreUnavailableException.class, call::get, label));
        System.out.printf(
                "%-50s SessionStoreUnavailableException after %d ms (timeout %d ms)%n",
                label, (System.nanoTime() - start) / 1_000_000, TIMEOUT.toMillis());
    }

    private static String via(String url, int port) {
        URI uri = URI.create(url.substring(5));
        return url.replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + port);
    }

    private static String serverUrl(TestDb db) {
        return db.requireUrl(null);
    }

    private TcpCrusher crusher(String url, int port) throws Exception {
        URI uri = URI.create(url.substring(5));
        NioReactor reactor = new NioReactor();
        closeables.add(reactor::close);
        TcpCrusher[] holder = new TcpCrusher[1];
        TcpCrusher crusher = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", port)
                .withConnectAddress(uri.getHost(), uri.getPort())
                .withDeferredListeners(false)
                // A connection that gets through while the proxy is frozen is frozen too.
                .withCreationListener(client -> {
                    if (holder[0] != null && holder[0].isFrozen()) {
                        holder[0].getClientFreezer(client).freeze();
                    }
                })
                .buildAndOpen();
        holder[0] = crusher;
        closeables.add(crusher::close);
        return crusher;
    }

    private static <T> T eventually(Supplier<T> call) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            while (true) {
                try {
                    return call.get();
                } catch (SessionStoreUnavailableException e) {
                    Thread.sleep(200);
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(names = {"POSTGRES", "MARIADB"})
    void unreachableDatabase_failsWithinTheTimeout_andServiceStartsWhenItAppears(TestDb db) throws Exception {
        String real = serverUrl(db);
        int port = Servers.freePort();
        String table = TestDb.uniqueTable("satchel_down");
        tables.add(new String[] {real, table});
        DbSessionEngine engine = engine(via(real, port), table); // starts although nothing listens
        String key = TestDb.key();
        unavailable("[" + db.label() + "] load, nothing listening", () -> engine.load(key));
        unavailable(
                "[" + db.label() + "] create, nothing listening",
                () -> engine.save(key, record(engine, 1), SaveMode.CREATE));
        unavailable("[" + db.label() + "] clearExpired, nothing listening", engine::clearExpired);

        crusher(real, port); // the database "comes back" on that port
        eventually(() -> engine.save(key, record(engine, 1), SaveMode.CREATE));
        assertEquals(
                1L,
                engine.codec()
                        .decode(engine.load(key).orElseThrow().data())
                        .data()
                        .get("n"));
        assertEquals(1, TestDb.count(real, table), "the table was created lazily once the database was up");
    }

    @ParameterizedTest
    @EnumSource(names = {"POSTGRES", "MARIADB"})
    void frozenDatabase_callsEndWithinTheTimeout_noPartialRows_andServiceResumes(TestDb db) throws Exception {
        String real = serverUrl(db);
        int port = Servers.freePort();
        TcpCrusher crusher = crusher(real, port);
        String table = TestDb.uniqueTable("satchel_frozen");
        tables.add(new String[] {real, table});
        DbSessionEngine engine = engine(via(real, port), table);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = TestDb.key();
            engine.save(key, record(engine, 0), SaveMode.CREATE);
            keys.add(key);
        }

        // Writers keep going while the proxy freezes under them, so statements are caught in flight.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Long>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                long failures = 0;
                for (long n = 1; !stop.get(); n++) {
                    try {
                        engine.save(
                                keys.get((int) ((n * 4 + thread) % keys.size())), record(engine, n), SaveMode.UPDATE);
                    } catch (SessionStoreUnavailableException e) {
                        failures++;
                    }
                }
                return failures;
            }));
        }
        Thread.sleep(300);
        crusher.freeze();
        try {
            String key = keys.get(0);
            unavailable("[" + db.label() + "] load, proxy frozen", () -> engine.load(key));
            unavailable(
                    "[" + db.label() + "] update, proxy frozen",
                    () -> engine.save(key, record(engine, -1), SaveMode.UPDATE));
            unavailable(
                    "[" + db.label() + "] create, proxy frozen",
                    () -> engine.save(TestDb.key(), record(engine, -1), SaveMode.CREATE));
            unavailable("[" + db.label() + "] delete, proxy frozen", () -> {
                engine.delete(key);
                return null;
            });
        } finally {
            crusher.unfreeze();
        }
        stop.set(true);
        long failed = 0;
        for (Future<Long> f : writers) {
            failed += assertTimeoutPreemptively(GUARD, () -> f.get());
        }
        pool.shutdownNow();
        System.out.printf("[%s] background writes that failed during the freeze: %d%n", db.label(), failed);
        assertTrue(failed > 0, "the freeze caught background writes");

        String probe = keys.get(1);
        eventually(() -> engine.load(probe));
        engine.save(probe, record(engine, 777), SaveMode.UPDATE);
        assertEquals(
                777L,
                engine.codec()
                        .decode(engine.load(probe).orElseThrow().data())
                        .data()
                        .get("n"));
        for (String key : keys) {
            // Every row is whole: it decodes, with a value some writer sent.
            Object n = engine.codec()
                    .decode(engine.load(key).orElseThrow().data())
                    .data()
                    .get("n");
            assertTrue(n instanceof Long, key + " holds " + n);
        }
    }

    @Test
    void sqliteOpenedReadOnly_refusesWrites_readsStillWork_rowsIntact() {
        String url = "jdbc:sqlite:" + dir.resolve("ro.sqlite3");
        DbSessionEngine writer = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        writer.save(key, record(writer, 1), SaveMode.CREATE);
        DbSessionEngine readOnly = engine(url + "?open_mode=1", DbSettings.DEFAULT_TABLE);
        assertEquals(
                1L,
                readOnly.codec()
                        .decode(readOnly.load(key).orElseThrow().data())
                        .data()
                        .get("n"));
        unavailable(
                "[sqlite] update, read-only connection",
                () -> readOnly.save(key, record(readOnly, 2), SaveMode.UPDATE));
        unavailable(
                "[sqlite] create, read-only connection",
                () -> readOnly.save(TestDb.key(), record(readOnly, 2), SaveMode.CREATE));
        unavailable("[sqlite] delete, read-only connection", () -> {
            readOnly.delete(key);
            return null;
        });
        unavailable("[sqlite] clearExpired, read-only connection", readOnly::clearExpired);
        assertEquals(
                1L,
                writer.codec()
                        .decode(writer.load(key).orElseThrow().data())
                        .data()
                        .get("n"));
        assertEquals(1, TestDb.count(url, DbSettings.DEFAULT_TABLE));
    }

    @Test
    void sqliteFileMadeImmutable_refusesWrites_thenResumesByItself() throws Exception {
        assumeTrue(chattr("-i", dir), "needs chattr (Linux, root, a filesystem with the immutable flag)");
        Path file = dir.resolve("immutable.sqlite3");
        String url = "jdbc:sqlite:" + file;
        DbSessionEngine engine = engine(url, DbSettings.DEFAULT_TABLE);
        String key = TestDb.key();
        engine.save(key, record(engine, 1), SaveMode.CREATE);
        Path wal = dir.resolve("immutable.sqlite3-wal");
        assertTrue(Files.exists(wal), "WAL mode is on");
        // The shared-memory index (-shm) is left alone: it is mapped into memory.
        assertTrue(chattr("+i", file) && chattr("+i", wal));
        try {
            unavailable("[sqlite] update, file immutable", () -> engine.save(key, record(engine, 2), SaveMode.UPDATE));
            unavailable(
                    "[sqlite] create, file immutable",
                    () -> engine.save(TestDb.key(), record(engine, 2), SaveMode.CREATE));
            assertEquals(
                    1L,
                    engine.codec()
                            .decode(engine.load(key).orElseThrow().data())
                            .data()
                            .get("n"),
                    "reads work");
        } finally {
            chattr("-i", file);
            chattr("-i", wal);
        }
        eventually(() -> engine.save(key, record(engine, 3), SaveMode.UPDATE));
        assertEquals(
                3L,
                engine.codec()
                        .decode(engine.load(key).orElseThrow().data())
                        .data()
                        .get("n"));
        assertEquals(1, TestDb.count(url, DbSettings.DEFAULT_TABLE), "no partial or extra row");
    }

    /**
     * Writers keep saving versioned updates while a private PostgreSQL is SIGKILLed (postmaster and
     * every backend) and restarted, twice. Every save that returned must be there after crash
     * recovery: each key's stored version is at least its last acknowledged one (a save that raised
     * may or may not have landed, so at most the last attempted one).
     */
    @Test
    void postgresKilled9_everyAcknowledgedSaveSurvivesTheRestart() throws Exception {
        PrivatePostgres pg = PrivatePostgres.create();
        closeables.add(pg);
        String table = TestDb.uniqueTable("satchel_kill");
        DbSessionEngine engine = engine(pg.url(), table);
        int writers = 4;
        int keysPerWriter = 5;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < writers * keysPerWriter; i++) {
            String key = TestDb.key();
            engine.save(key, record(engine, 0), SaveMode.CREATE);
            keys.add(key);
        }
        AtomicLongArray acknowledged = new AtomicLongArray(keys.size());
        AtomicLongArray attempted = new AtomicLongArray(keys.size());
        AtomicLong acks = new AtomicLong();
        AtomicLong raised = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        for (int w = 0; w < writers; w++) {
            int first = w * keysPerWriter;
            running.add(pool.submit(() -> {
                // Each key has one writer, so its versions only grow.
                for (long version = 1; !stop.get() && System.nanoTime() < deadline; version++) {
                    for (int k = first; k < first + keysPerWriter; k++) {
                        attempted.set(k, version);
                        try {
                            engine.save(keys.get(k), record(engine, version), SaveMode.UPDATE);
                            acknowledged.set(k, version);
                            acks.incrementAndGet();
                        } catch (SessionStoreUnavailableException e) {
                            raised.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (int round = 0; round < 2; round++) {
                waitForAcks(acks, acks.get() + 200, deadline);
                pg.kill();
                long raisedBefore = raised.get();
                while (raised.get() < raisedBefore + writers && System.nanoTime() < deadline) {
                    Thread.sleep(10); // writers are failing against the dead server
                }
                pg.start();
            }
            waitForAcks(acks, acks.get() + 200, deadline);
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                assertTimeoutPreemptively(GUARD, () -> f.get());
            }
            pool.shutdownNow();
        }
        int survivors = 0;
        for (int k = 0; k < keys.size(); k++) {
            String[] row = TestDb.rawRow(pg.url(), table, keys.get(k));
            assertTrue(row != null, "the row of key " + k + " survived");
            long stored = (Long) engine.codec().decode(row[0]).data().get("n");
            assertTrue(
                    stored >= acknowledged.get(k) && stored <= attempted.get(k),
                    "key " + k + " holds version " + stored + "; acknowledged " + acknowledged.get(k)
                            + ", last attempted " + attempted.get(k));
            survivors++;
        }
        System.out.printf(
                "[postgresql kill -9 x2] acknowledged saves %d, saves that raised %d, keys %d, keys whose last"
                        + " acknowledged version survived %d%n",
                acks.get(), raised.get(), keys.size(), survivors);
        assertTrue(raised.get() > 0, "the kills caught writes in flight");
    }

    private static void waitForAcks(AtomicLong acks, long target, long deadline) throws InterruptedException {
        while (acks.get() < target) {
            assertTrue(System.nanoTime() < deadline, "writers made no progress (" + acks.get() + " acknowledged)");
            Thread.sleep(10);
        }
    }

    private static boolean chattr(String flag, Path path) {
        try {
            Process p = new ProcessBuilder("chattr", flag, path.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
