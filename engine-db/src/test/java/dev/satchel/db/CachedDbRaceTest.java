package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.satchel.CreateException;
import dev.satchel.SessionSettings;
import dev.satchel.UpdateException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * cached_db's logout against a concurrent save or load (issue #12, defect 2): once a logout has
 * returned, no cache write that was in flight may bring the session back. The two windows are
 * replayed exactly with the engine's pause seam, then a bounded stress loop races real threads.
 */
class CachedDbRaceTest {
    private static final long GUARD_SECONDS = 20;

    /** The database and cache pairs the races run on. */
    enum Backend {
        SQLITE_CAFFEINE,
        POSTGRES_REDIS
    }

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final String table = TestDb.uniqueTable("satchel_cdbrace");
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private String dbUrl;
    private CachedDbSessionEngine engine;
    private DbSessionEngine plainDb;

    private void open(Backend backend) {
        String cacheUrl;
        if (backend == Backend.POSTGRES_REDIS) {
            Servers.require("PostgreSQL", Servers.POSTGRES_URL);
            Servers.require("Redis", Servers.REDIS_URL);
            dbUrl = Servers.POSTGRES_URL;
            cacheUrl = Servers.REDIS_URL;
        } else {
            dbUrl = "jdbc:sqlite:" + dir.resolve("race.sqlite3");
            cacheUrl = "caffeine:";
        }
        SessionSettings settings = SessionSettings.builder()
                .secretKey(TestDb.SECRET)
                .engine("cached_db")
                .engineProperty(DbSettings.URL, dbUrl)
                .engineProperty(DbSettings.TABLE, table)
                .engineProperty("satchel.cache.url", cacheUrl)
                .engineProperty("satchel.cache.key-prefix", table)
                .build();
        EngineContext context = EngineContext.of(settings, clock);
        engine = CachedDbSessionEngine.create(context);
        // The same table without the cache: rows the cache has never seen.
        plainDb = DbSessionEngine.builder(context).build();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        if (engine != null) {
            engine.close();
            plainDb.close();
            TestDb.drop(dbUrl, table);
        }
    }

    private SessionRecord record(long n) {
        return SessionRecord.of(
                engine.codec().encode(new LinkedHashMap<>(Map.of("n", n))),
                clock.instant().plusSeconds(3600));
    }

    /** Holds the first thread that reaches {@code step} for {@code key} until released. */
    private static final class Gate implements CachedDbSessionEngine.Pause {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final CachedDbSessionEngine.Step step;
        private final String key;
        private final AtomicBoolean armed = new AtomicBoolean(true);

        Gate(CachedDbSessionEngine.Step step, String key) {
            this.step = step;
            this.key = key;
        }

        @Override
        public void at(CachedDbSessionEngine.Step at, String atKey) {
            if (at == step && key.equals(atKey) && armed.compareAndSet(true, false)) {
                reached.countDown();
                try {
                    release.await(GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitReached() throws InterruptedException {
            assertTrue(reached.await(GUARD_SECONDS, TimeUnit.SECONDS), "the paused thread reached " + step);
        }
    }

    @ParameterizedTest
    @EnumSource
    void aSaveCommittedBeforeALogout_cannotRefillTheCacheAfterIt(Backend backend) throws Exception {
        open(backend);
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE);
        assertTrue(engine.load(key).isPresent());
        Gate gate = new Gate(CachedDbSessionEngine.Step.SAVED, key);
        engine.pauseAt(gate);

        Future<String> save = pool.submit(() -> {
            try {
                engine.save(key, record(2), SaveMode.UPDATE);
                return "acknowledged";
            } catch (UpdateException e) {
                return "refused: " + e.getMessage();
            }
        });
        gate.awaitReached(); // the UPDATE has committed; its cache write has not happened yet
        engine.delete(key); // the logout runs to the end
        gate.release.countDown();
        System.out.printf("[%s] save racing a logout: %s%n", backend, save.get(GUARD_SECONDS, TimeUnit.SECONDS));

        assertEquals(
                Optional.empty(), engine.load(key).map(r -> "loaded " + r.data()), "a logout that returned is final");
        assertEquals(Optional.empty(), engine.load(key).map(r -> "loaded " + r.data()), "and stays final");
        assertFalse(engine.exists(key), "no row");
    }

    @ParameterizedTest
    @EnumSource
    void aLoadThatReadTheDatabaseBeforeALogout_cannotRefillTheCacheAfterIt(Backend backend) throws Exception {
        open(backend);
        String key = TestDb.key();
        plainDb.save(key, record(1), SaveMode.CREATE); // in the database, not in the cache
        Gate gate = new Gate(CachedDbSessionEngine.Step.READ, key);
        engine.pauseAt(gate);

        Future<Optional<SessionRecord>> load = pool.submit(() -> engine.load(key));
        gate.awaitReached(); // the load missed the cache and read the row; its write-back is pending
        engine.delete(key);
        gate.release.countDown();
        System.out.printf(
                "[%s] load racing a logout returned %s%n",
                backend, load.get(GUARD_SECONDS, TimeUnit.SECONDS).isPresent() ? "the session" : "no session");

        assertEquals(
                Optional.empty(), engine.load(key).map(r -> "loaded " + r.data()), "a logout that returned is final");
        assertEquals(Optional.empty(), engine.load(key).map(r -> "loaded " + r.data()), "and stays final");
        assertFalse(engine.exists(key), "no row");
    }

    @ParameterizedTest
    @EnumSource
    void aSaveThatCommittedFirst_cannotOverwriteTheCacheEntryOfALaterSave(Backend backend) throws Exception {
        open(backend);
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE);
        Gate gate = new Gate(CachedDbSessionEngine.Step.SAVED, key);
        engine.pauseAt(gate);
        Future<String> first = pool.submit(() -> engine.save(key, record(2), SaveMode.UPDATE));
        gate.awaitReached(); // version 2 committed, its cache write pending
        engine.save(key, record(3), SaveMode.UPDATE); // version 3 committed and written through
        gate.release.countDown();
        first.get(GUARD_SECONDS, TimeUnit.SECONDS);
        assertEquals(
                record(3).data(), engine.load(key).orElseThrow().data(), "the database's version, not an older one");
        assertEquals(record(3).data(), engine.load(key).orElseThrow().data());
    }

    @ParameterizedTest
    @EnumSource
    void aLoadThatReadAnOlderVersion_cannotOverwriteTheCacheEntryOfALaterSave(Backend backend) throws Exception {
        open(backend);
        String key = TestDb.key();
        plainDb.save(key, record(1), SaveMode.CREATE); // in the database, not in the cache
        Gate gate = new Gate(CachedDbSessionEngine.Step.READ, key);
        engine.pauseAt(gate);
        Future<Optional<SessionRecord>> load = pool.submit(() -> engine.load(key));
        gate.awaitReached(); // version 1 read, its write-back pending
        engine.save(key, record(2), SaveMode.UPDATE);
        gate.release.countDown();
        load.get(GUARD_SECONDS, TimeUnit.SECONDS);
        assertEquals(
                record(2).data(), engine.load(key).orElseThrow().data(), "the database's version, not an older one");
        assertEquals(record(2).data(), engine.load(key).orElseThrow().data());
    }

    @ParameterizedTest
    @EnumSource
    void aLoggedOutKey_isNotCreatedAgainWhileItsTombstoneLives(Backend backend) {
        open(backend);
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE);
        engine.delete(key);
        assertThrows(CreateException.class, () -> engine.save(key, record(2), SaveMode.CREATE));
        assertFalse(plainDb.exists(key), "the row the create inserted is gone again");
        assertEquals(Optional.empty(), engine.load(key));
    }

    @ParameterizedTest
    @EnumSource
    void loadingAnUnknownKey_leavesNothingInTheCache(Backend backend) {
        open(backend);
        String key = TestDb.key();
        assertEquals(Optional.empty(), engine.load(key));
        assertEquals(Optional.empty(), engine.cache().load(key).map(SessionRecord::data), "no lease left behind");
    }

    /**
     * Two threads save one session while a third loads it (each round starts with the row in the
     * database only, so loads miss and fill); afterwards the cache must serve what the database holds.
     * Bounded: 200 rounds or 6 seconds per backend.
     */
    @ParameterizedTest
    @EnumSource
    void concurrentSavesAndLoads_leaveTheCacheServingTheDatabasesVersion(Backend backend) throws Exception {
        open(backend);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        int rounds = 0;
        while (rounds < 200 && System.nanoTime() < deadline) {
            rounds++;
            String key = TestDb.key();
            plainDb.save(key, record(0), SaveMode.CREATE);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 1; t <= 2; t++) {
                long base = t * 1000L;
                threads.add(pool.submit(() -> {
                    for (int i = 1; i <= 8; i++) {
                        engine.save(key, record(base + i), SaveMode.UPDATE);
                    }
                }));
            }
            threads.add(pool.submit(() -> {
                for (int i = 0; i < 16; i++) {
                    engine.load(key);
                }
            }));
            for (Future<?> f : threads) {
                f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
            String inDatabase = plainDb.load(key).orElseThrow().data();
            String served = engine.load(key).orElseThrow().data();
            if (!served.equals(inDatabase)) {
                fail("[" + backend + "] round " + rounds + ": the cache serves "
                        + engine.codec().decode(served).data() + " while the database holds "
                        + engine.codec().decode(inDatabase).data());
            }
        }
        System.out.printf(
                "[%s] %d rounds of concurrent saves and loads: the cache agreed each time%n", backend, rounds);
    }

    /**
     * Two request threads load and save one session (each round starts with the row in the database
     * only, so loads miss and write back) while a third logs it out at a random moment. Any load that
     * starts after the logout returned and finds the session is a violation. Bounded: 300 rounds or 8
     * seconds per backend.
     */
    @ParameterizedTest
    @EnumSource
    void savesAndLoadsRacingLogouts_neverBringASessionBack(Backend backend) throws Exception {
        open(backend);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        int rounds = 0;
        while (rounds < 300 && System.nanoTime() < deadline) {
            rounds++;
            String key = TestDb.key();
            plainDb.save(key, record(0), SaveMode.CREATE);
            AtomicBoolean loggedOut = new AtomicBoolean();
            AtomicReference<String> violation = new AtomicReference<>();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 40 && violation.get() == null; i++) {
                        boolean afterLogout = loggedOut.get();
                        Optional<SessionRecord> loaded = engine.load(key);
                        if (afterLogout && loaded.isPresent()) {
                            violation.compareAndSet(
                                    null,
                                    "a load after the logout returned found "
                                            + loaded.get().data());
                            return;
                        }
                        if (loaded.isPresent()) {
                            try {
                                engine.save(key, record(i + 1), SaveMode.UPDATE);
                                acknowledged.incrementAndGet();
                            } catch (UpdateException e) {
                                refused.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(3_000_000));
            engine.delete(key);
            loggedOut.set(true);
            for (Future<?> f : workers) {
                f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
            if (violation.get() != null) {
                fail("[" + backend + "] round " + rounds + ": " + violation.get());
            }
            Optional<SessionRecord> after = engine.load(key);
            if (after.isPresent() || plainDb.exists(key)) {
                fail("[" + backend + "] round " + rounds + ": after the logout the session is back: cache "
                        + after.map(SessionRecord::data) + ", row " + plainDb.exists(key));
            }
        }
        System.out.printf(
                "[%s] %d logout races: %d saves acknowledged, %d refused (session logged out meanwhile)%n",
                backend, rounds, acknowledged.get(), refused.get());
    }
}
