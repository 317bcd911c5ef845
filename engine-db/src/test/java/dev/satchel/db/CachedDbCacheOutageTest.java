package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * cached_db while its cache is out (issue #12, defect 3): a logout is final or raises {@link
 * SessionStoreUnavailableException} having changed nothing; a save during the outage is never
 * hidden by the older entry the cache still holds when it comes back. The cache is a private
 * redis-server persisting every write (so a kill keeps the old entry, the worst case), killed with
 * SIGKILL or frozen behind a TCP proxy whose stalled connections are then dropped.
 */
class CachedDbCacheOutageTest {
    private static final Duration GUARD = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CachedDbSessionEngine engine;

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private PrivateRedis redis() {
        PrivateRedis redis = PrivateRedis.start(dir, true);
        closeables.add(redis);
        return redis;
    }

    private void open(int cachePort) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey(TestDb.SECRET)
                .engine("cached_db")
                .engineProperty(DbSettings.URL, "jdbc:sqlite:" + dir.resolve("outage.sqlite3"))
                .engineProperty("satchel.cache.url", "redis://127.0.0.1:" + cachePort)
                .engineProperty("satchel.cache.timeout", "PT0.5S")
                .build();
        engine = CachedDbSessionEngine.create(EngineContext.of(settings, clock));
        closeables.add(engine);
    }

    private TcpCrusher proxy(int targetPort) {
        NioReactor reactor;
        try {
            reactor = new NioReactor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        closeables.add(reactor::close);
        TcpCrusher[] holder = new TcpCrusher[1];
        TcpCrusher crusher = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", dev.satchel.testing.Servers.freePort())
                .withConnectAddress("127.0.0.1", targetPort)
                .withDeferredListeners(false)
                // A connection made while the proxy is frozen is frozen too.
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

    private SessionRecord record(long n) {
        return SessionRecord.of(
                engine.codec().encode(new LinkedHashMap<>(Map.of("n", n))),
                clock.instant().plusSeconds(3600));
    }

    private Object n(Optional<SessionRecord> r) {
        return r.map(x -> engine.codec().decode(x.data()).data().get("n")).orElse(null);
    }

    /** The logout's outcome: null if it returned, else the exception. */
    private RuntimeException logout(String key) {
        return assertTimeoutPreemptively(GUARD, () -> {
            try {
                engine.delete(key);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    /** Loads once the cache answers again (the pool reconnects by itself). */
    private Optional<SessionRecord> loadOnceTheCacheAnswers(String key) {
        return assertTimeoutPreemptively(GUARD, () -> {
            while (true) {
                try {
                    engine.cache().load(key);
                    return engine.load(key);
                } catch (SessionStoreUnavailableException e) {
                    Thread.sleep(100);
                }
            }
        });
    }

    /** After the outage: a logout that returned is final; one that raised changed nothing. */
    private void assertFinalOrRaised(String key, RuntimeException outcome, Supplier<Optional<SessionRecord>> after) {
        Optional<SessionRecord> loaded = after.get();
        if (outcome == null) {
            assertEquals(null, n(loaded), "the logout returned during the outage, yet the session came back");
        }
        assertTrue(
                outcome instanceof SessionStoreUnavailableException,
                "a logout the cache cannot record must fail loudly, got " + outcome);
        assertEquals(1L, n(loaded), "the logout that raised changed nothing");
        assertTrue(engine.exists(key), "the row is intact");
        engine.delete(key); // the retry, with the cache back, is final
        assertEquals(null, n(engine.load(key)));
        assertFalse(engine.exists(key));
    }

    @Test
    void logoutWithTheCacheKilled_raisesAndChangesNothing_andTheRetryIsFinal() {
        PrivateRedis redis = redis();
        open(redis.port());
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE); // written through, and persisted by the cache
        redis.kill();
        RuntimeException outcome = logout(key);
        System.out.println("logout with the cache killed: " + outcome);
        assertFalse(outcome != null && !(outcome instanceof SessionStoreUnavailableException), "named: " + outcome);
        redis.start(); // same port, same data
        assertFinalOrRaised(key, outcome, () -> loadOnceTheCacheAnswers(key));
    }

    @Test
    void logoutWithTheCacheFrozen_raisesAndChangesNothing_andTheRetryIsFinal() {
        PrivateRedis redis = redis();
        TcpCrusher proxy = proxy(redis.port());
        open(proxy.getBindAddress().getPort());
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE);
        proxy.freeze();
        RuntimeException outcome = logout(key);
        System.out.println("logout with the cache frozen: " + outcome);
        // The stalled connections die with what they carried (a partition that loses packets).
        proxy.close();
        proxy.open();
        assertFinalOrRaised(key, outcome, () -> loadOnceTheCacheAnswers(key));
    }

    @Test
    void aSaveWhileTheCacheIsKilled_isNotHiddenByTheOldEntryWhenItComesBack() {
        PrivateRedis redis = redis();
        open(redis.port());
        String key = TestDb.key();
        engine.save(key, record(1), SaveMode.CREATE);
        assertEquals(1L, n(engine.load(key)));
        redis.kill();
        engine.save(key, record(2), SaveMode.UPDATE); // acknowledged: the database has it
        assertEquals(2L, n(engine.load(key)), "the database answers while the cache is down");
        redis.start(); // still holding version 1
        assertEquals(2L, n(loadOnceTheCacheAnswers(key)), "the acknowledged save, not the stale entry");
        assertEquals(2L, n(engine.load(key)));
    }
}
