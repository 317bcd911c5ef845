package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.CreateException;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.UpdateException;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The db engine's own promises on one database: one statement per operation, keys refused before any
 * query, the conditional save, batched sweeps that several nodes can run at once, and 16 threads
 * writing at once without a lost acknowledged write.
 */
abstract class AbstractDbEngineTest {
    @TempDir
    Path dir;

    private final List<DbSessionEngine> engines = new ArrayList<>();
    protected final MutableClock clock = new MutableClock(Instant.parse("2030-01-02T03:04:05.123456Z"));
    protected String url;
    protected String table;
    protected StatementCounter counter;
    protected DbSessionEngine engine;

    protected abstract TestDb db();

    @BeforeEach
    void open() {
        url = db().requireUrl(dir);
        table = TestDb.uniqueTable("satchel_db");
        counter = new StatementCounter();
        engine = engine(DbSettings.builder().url(url).table(table).build(), counter);
    }

    @AfterEach
    void close() {
        engines.forEach(DbSessionEngine::close);
        TestDb.drop(url, table);
    }

    protected DbSessionEngine engine(DbSettings settings, StatementCounter statements) {
        DbSessionEngine.Builder b =
                DbSessionEngine.builder(TestDb.context(clock)).settings(settings);
        if (statements != null) {
            b.wrapDataSource(statements::wrap);
        }
        DbSessionEngine e = b.build();
        engines.add(e);
        return e;
    }

    protected SessionRecord record(Map<String, Object> data, Duration life) {
        return SessionRecord.of(
                engine.codec().encode(new LinkedHashMap<>(data)),
                clock.instant().plus(life));
    }

    private long counterOf(DbSessionEngine e, String key) {
        return (Long) e.codec().decode(e.load(key).orElseThrow().data()).data().get("n");
    }

    private String once(String label, Runnable operation) {
        counter.reset();
        operation.run();
        List<String> sql = counter.executed();
        System.out.printf("[%s] %-34s %d statement(s): %s%n", db().label(), label, sql.size(), sql);
        assertEquals(1, sql.size(), label + " sends exactly one statement, sent: " + sql);
        return sql.get(0);
    }

    @Test
    void everyOperation_isOneStatement() {
        String key = TestDb.key();
        SessionRecord first = record(Map.of("n", 1L), Duration.ofHours(1));
        assertTrue(once("create (save CREATE)", () -> engine.save(key, first, SaveMode.CREATE))
                .startsWith("INSERT"));
        String[] version = new String[1];
        assertTrue(once(
                        "load",
                        () -> version[0] =
                                (String) engine.load(key).orElseThrow().version())
                .startsWith("SELECT"));
        assertTrue(once(
                        "save (save UPDATE)",
                        () -> engine.save(key, record(Map.of("n", 2L), Duration.ofHours(1)), SaveMode.UPDATE))
                .startsWith("UPDATE"));
        ConditionalSave conditional = engine.conditionalSave().orElseThrow();
        String[] current = {(String) engine.load(key).orElseThrow().version()};
        assertTrue(once(
                        "save if unchanged",
                        () -> conditional.saveIfUnchanged(
                                key, record(Map.of("n", 3L), Duration.ofHours(1)), current[0]))
                .contains("AND session_data = "));
        assertTrue(once("exists", () -> assertTrue(engine.exists(key))).startsWith("SELECT 1"));
        assertTrue(once(
                        "load of a missing key",
                        () -> assertTrue(engine.load(TestDb.key()).isEmpty()))
                .startsWith("SELECT"));
        assertTrue(once("delete", () -> engine.delete(key)).startsWith("DELETE"));
        assertTrue(once(
                        "update of a vanished row",
                        () -> assertThrows(UpdateException.class, () -> engine.save(key, first, SaveMode.UPDATE)))
                .startsWith("UPDATE"));
        String taken = TestDb.key();
        engine.save(taken, first, SaveMode.CREATE);
        assertTrue(once(
                        "create on a taken key",
                        () -> assertThrows(CreateException.class, () -> engine.save(taken, first, SaveMode.CREATE)))
                .startsWith("INSERT"));
        assertTrue(once("clearExpired with nothing expired", () -> assertEquals(0, engine.clearExpired()))
                .startsWith("DELETE"));

        SessionManager sessions = manager(engine);
        Session s = sessions.newSession();
        s.put("a", 1L);
        assertTrue(once("Session.save of a new session", s::save).startsWith("INSERT"));
        Session again = sessions.session(s.getSessionKey());
        once("Session first access (lazy load)", () -> again.get("a"));
        again.put("a", 2L);
        once("Session.save of a loaded session", again::save);
    }

    private SessionManager manager(DbSessionEngine e) {
        return SessionManager.builder(
                        SessionSettings.builder().secretKey(TestDb.SECRET).build())
                .clock(clock)
                .engine(ctx -> e)
                .build();
    }

    @Test
    void malformedKeys_areRefusedBeforeAnyQuery() {
        SessionRecord r = record(Map.of("a", 1L), Duration.ofHours(1));
        List<String> hostile = new ArrayList<>(List.of(
                "abcdefgh'; DROP TABLE " + table + "; --",
                "abcdefgh' OR '1'='1",
                "abcdefgh\" OR \"1\"=\"1",
                "abcdefgh%",
                "abcdefgh_",
                "ABCDEFGHIJKL",
                "abcdefgh\u0000ijkl",
                "a".repeat(41),
                "b".repeat(10_000)));
        counter.reset();
        for (String key : hostile) {
            assertThrows(SuspiciousSessionException.class, () -> engine.load(key), key);
            assertThrows(SuspiciousSessionException.class, () -> engine.exists(key), key);
            assertThrows(SuspiciousSessionException.class, () -> engine.delete(key), key);
            assertThrows(SuspiciousSessionException.class, () -> engine.save(key, r, SaveMode.CREATE), key);
            assertThrows(SuspiciousSessionException.class, () -> engine.save(key, r, SaveMode.UPDATE), key);
        }
        assertEquals(List.of(), counter.executed(), "no statement reached the database");
        assertEquals(0, TestDb.count(url, table), "the table is intact and empty");
        String longest = "z".repeat(40);
        engine.save(longest, r, SaveMode.CREATE);
        assertTrue(engine.exists(longest), "40 characters, Django's column width, is accepted");
    }

    @Test
    void conditionalSave_detectsAConcurrentChange() {
        String key = TestDb.key();
        engine.save(key, record(Map.of("n", 0L), Duration.ofHours(1)), SaveMode.CREATE);
        Object seenByA = engine.load(key).orElseThrow().version();
        Object seenByB = engine.load(key).orElseThrow().version();
        ConditionalSave conditional = engine.conditionalSave().orElseThrow();
        conditional.saveIfUnchanged(key, record(Map.of("n", 1L), Duration.ofHours(1)), seenByA);
        assertThrows(
                UpdateException.class,
                () -> conditional.saveIfUnchanged(key, record(Map.of("n", 2L), Duration.ofHours(1)), seenByB));
        assertEquals(1L, counterOf(engine, key), "the first writer's data survives");
        // A version that differs only in letter case is a different version (binary comparison).
        Object current = engine.load(key).orElseThrow().version();
        String flipped = flipCase((String) current);
        assertThrows(
                UpdateException.class,
                () -> conditional.saveIfUnchanged(key, record(Map.of("n", 9L), Duration.ofHours(1)), flipped));
        assertThrows(
                UpdateException.class,
                () -> conditional.saveIfUnchanged(key, record(Map.of("n", 9L), Duration.ofHours(1)), current + " "));
        assertEquals(1L, counterOf(engine, key));
        engine.delete(key);
        assertThrows(
                UpdateException.class,
                () -> conditional.saveIfUnchanged(key, record(Map.of("n", 2L), Duration.ofHours(1)), current));
        assertFalse(engine.exists(key), "a vanished session is not resurrected");
    }

    private static String flipCase(String s) {
        StringBuilder sb = new StringBuilder(s);
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (Character.isLetter(c)) {
                sb.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                return sb.toString();
            }
        }
        throw new IllegalStateException("no letter in " + s);
    }

    @Test
    void expiry_isComparedWithTheEngineClock_strictlyLikeDjango() {
        String key = TestDb.key();
        Instant expiry = clock.instant().plusSeconds(10);
        engine.save(key, SessionRecord.of(engine.codec().encode(new LinkedHashMap<>()), expiry), SaveMode.CREATE);
        assertEquals(expiry, engine.load(key).orElseThrow().expiry(), "microseconds survive the round trip");
        clock.set(expiry.minusNanos(1000));
        assertTrue(engine.load(key).isPresent(), "alive one microsecond before");
        assertEquals(0, engine.clearExpired());
        clock.set(expiry);
        assertTrue(engine.load(key).isEmpty(), "load needs expire_date > now");
        assertEquals(0, engine.clearExpired(), "clearExpired needs expire_date < now");
        assertTrue(engine.exists(key), "exists ignores expiry, as in Django");
        clock.set(expiry.plusNanos(1000));
        assertEquals(1, engine.clearExpired());
        assertFalse(engine.exists(key));
    }

    @Test
    void clearExpired_deletesInBoundedBatches_andKeepsLiveRows() {
        DbSessionEngine small = engine(
                DbSettings.builder().url(url).table(table).clearBatchSize(7).build(), counter);
        List<String> live =
                TestDb.insertRows(url, table, 5, "live", clock.instant().plusSeconds(60));
        TestDb.insertRows(url, table, 30, "dead", clock.instant().minusSeconds(60));
        counter.reset();
        assertEquals(30, small.clearExpired());
        System.out.printf(
                "[%s] clearExpired of 30 rows in batches of 7: %d statements%n", db().label(), counter.count());
        assertEquals(5, counter.count(), "7+7+7+7+2: four full batches and the short last one");
        assertEquals(5, TestDb.count(url, table));
        for (String key : live) {
            assertTrue(small.exists(key));
        }
    }

    @Test
    void clearExpired_onSeveralNodesAtOnce_whileSessionsAreWritten() throws Exception {
        int expired = 3000;
        TestDb.insertRows(url, table, expired, "dead", clock.instant().minusSeconds(60));
        List<DbSessionEngine> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(engine(
                    DbSettings.builder()
                            .url(url)
                            .table(table)
                            .clearBatchSize(100)
                            .build(),
                    null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> sweeps = new ArrayList<>();
            for (DbSessionEngine node : nodes) {
                sweeps.add(pool.submit(() -> {
                    start.await();
                    return node.clearExpired();
                }));
            }
            Future<List<String>> writer = pool.submit(() -> {
                start.await();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = TestDb.key();
                    engine.save(key, record(Map.of("n", (long) i), Duration.ofHours(1)), SaveMode.CREATE);
                    keys.add(key);
                }
                return keys;
            });
            start.countDown();
            long removed = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                long sum = 0;
                for (Future<Long> f : sweeps) {
                    sum += f.get();
                }
                return sum;
            });
            List<String> written = writer.get();
            System.out.printf("[%s] 3 concurrent sweepers removed %d rows%n", db().label(), removed);
            assertEquals(expired, removed, "every expired row removed exactly once, by one node or another");
            assertEquals(written.size(), TestDb.count(url, table));
            for (String key : written) {
                assertTrue(engine.load(key).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sixteenThreads_createSaveAndDelete_withoutLosingAcknowledgedWrites() throws Exception {
        int threads = 16;
        int rounds = 20;
        String shared = TestDb.key();
        engine.save(shared, record(Map.of("n", 0L), Duration.ofDays(1)), SaveMode.CREATE);
        ConditionalSave conditional = engine.conditionalSave().orElseThrow();
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicLong conflicts = new AtomicLong();
        SessionManager sessions = manager(engine);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < rounds; i++) {
                            Session s = sessions.newSession();
                            s.put("owner", (long) thread);
                            s.put("n", 0L);
                            s.save();
                            String key = s.getSessionKey();
                            acknowledged.put(key, 0L);
                            for (long n = 1; n <= 2; n++) {
                                Session next = sessions.session(key);
                                next.put("n", n);
                                next.save();
                                acknowledged.put(key, n);
                            }
                            if (i % 3 == 0) {
                                sessions.session(key).flush();
                                acknowledged.remove(key);
                                deleted.add(key);
                            }
                            while (true) {
                                SessionRecord seen = engine.load(shared).orElseThrow();
                                long n = (Long) engine.codec()
                                        .decode(seen.data())
                                        .data()
                                        .get("n");
                                try {
                                    conditional.saveIfUnchanged(
                                            shared, record(Map.of("n", n + 1), Duration.ofDays(1)), seen.version());
                                    break;
                                } catch (UpdateException conflict) {
                                    conflicts.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                for (Future<?> f : futures) {
                    f.get();
                }
            });
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(
                "[%s] 16 threads: %d sessions kept, %d deleted, %d conditional conflicts retried, %d ms%n",
                db().label(),
                acknowledged.size(),
                deleted.size(),
                conflicts.get(),
                (System.nanoTime() - started) / 1_000_000);
        assertEquals(List.of(), errors, "no error at all");
        assertEquals((long) threads * rounds, counterOf(engine, shared), "no increment lost");
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
            assertEquals(e.getValue(), counterOf(engine, e.getKey()), "acknowledged write kept");
        }
        for (String key : deleted) {
            assertFalse(engine.exists(key));
        }
        assertEquals(acknowledged.size() + 1, TestDb.count(url, table));
    }

    @Test
    void dataThatIsNotTheSignedEncoding_loadsAsAnEmptySession() {
        String key = TestDb.key();
        engine.save(
                key,
                SessionRecord.of(
                        "gAJ9cQBYBQAAAHRoZW1lcQFYBAAAAGRhcmtxAnMu",
                        clock.instant().plusSeconds(60)),
                SaveMode.CREATE);
        Session s = manager(engine).session(key);
        assertNull(s.get("theme"));
        assertEquals(0, s.size());
        assertEquals(key, s.getSessionKey(), "the key is kept so that a later save overwrites the row");
        s.put("theme", "light");
        s.save();
        assertEquals("light", manager(engine).session(key).get("theme"));
    }
}
