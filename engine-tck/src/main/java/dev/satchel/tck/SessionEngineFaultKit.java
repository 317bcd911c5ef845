package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * What every engine with records promises while its store is broken: each operation is right or
 * raises {@link SessionStoreUnavailableException} (never an empty or another session, never a silent
 * loss), and after the repair every acknowledged save loads back, a logout that returned is final,
 * and a logout that raised left the data either intact or gone.
 *
 * <p>An engine's fault test extends this class, builds the engine against a store it can break (a
 * private server, a TCP proxy in front of one) and lists the ways it can break it in {@link
 * #faults()}. Each case runs once per fault. Configure short store timeouts: a frozen store costs one
 * timeout per call.
 */
public abstract class SessionEngineFaultKit {
    /** The secret key the kit signs with. */
    protected static final String SECRET = "satchel-tck-secret-key-only-for-tests-0123456789abcdef";

    private static final Duration FLAPPING_WRITES = Duration.ofSeconds(4);

    private SessionManager sessions;
    private SessionEngine engine;

    /** Builds the engine under test against the store that {@link #faults()} can break. */
    protected abstract SessionEngine createEngine(EngineContext context);

    /** The ways this store can be broken in a test; each kit case runs once per fault. */
    protected abstract List<StoreFault> faults();

    /** The settings the kit uses; override to add the engine's own {@code satchel.*} keys. */
    protected SessionSettings.Builder settings() {
        return SessionSettings.builder().secretKey(SECRET);
    }

    @BeforeEach
    final void openFaultKit() {
        sessions = SessionManager.builder(settings().build())
                .engine(context -> {
                    engine = createEngine(context);
                    return engine;
                })
                .build();
    }

    @AfterEach
    final void closeFaultKit() {
        if (sessions != null) {
            sessions.close();
        }
    }

    /** The manager under test. */
    protected final SessionManager sessions() {
        return sessions;
    }

    private Stream<DynamicTest> perFault(Consumer<StoreFault> body) {
        return faults().stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> body.accept(f)));
    }

    @TestFactory
    Stream<DynamicTest> loadDuringFault_isRightOrRaises() {
        return perFault(fault -> {
            String key = savedSession(Map.of("v", 1L));
            during(fault, () -> {
                Session s = sessions.session(key);
                try {
                    assertEquals(
                            1L,
                            s.get("v"),
                            "a load while the store is broken (" + fault + ") returned the data or raised,"
                                    + " never an empty session");
                    assertEquals(key, s.getSessionKey(), "the loaded session keeps its key");
                } catch (SessionStoreUnavailableException expected) {
                    assertEquals(key, s.getSessionKey(), "a load that raised does not drop the key (no logout)");
                }
            });
            assertLoadsBack(fault, key, 1L);
        });
    }

    @TestFactory
    Stream<DynamicTest> saveDuringFault_isKeptOrRaisesWithThePreviousVersionIntact() {
        return perFault(fault -> {
            String key = savedSession(Map.of("v", 1L));
            Session s = sessions.session(key);
            assertEquals(1L, s.get("v"));
            boolean[] acknowledged = {false};
            during(fault, () -> {
                s.put("v", 2L);
                try {
                    s.save();
                    acknowledged[0] = true;
                } catch (SessionStoreUnavailableException expected) {
                    // The previous version must still be there (or the new one, if the store applied
                    // the write after the client gave up): checked after the repair.
                }
            });
            Object v = loadAfterRepair(fault, key);
            if (acknowledged[0]) {
                assertEquals(2L, v, "a save acknowledged during " + fault + " loads back after the repair");
            } else if (v != null || !fault.losesData()) {
                assertTrue(
                        Long.valueOf(1L).equals(v) || Long.valueOf(2L).equals(v),
                        "a save that raised during " + fault + " left the previous or the new version, not " + v);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> createDuringFault_isKeptOrRaisesWithoutAKey() {
        return perFault(fault -> {
            Session s = sessions.newSession();
            s.put("v", 7L);
            during(fault, () -> {
                try {
                    s.save();
                    assertNotNull(s.getSessionKey());
                } catch (SessionStoreUnavailableException expected) {
                    assertNull(s.getSessionKey(), "a create that raised hands out no key");
                }
            });
            if (s.getSessionKey() != null) {
                assertLoadsBack(fault, s.getSessionKey(), 7L);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> logoutDuringFault_isFinalOrRaises() {
        return perFault(fault -> {
            String key = savedSession(Map.of("v", 1L, "user", "alice"));
            Session s = sessions.session(key);
            assertEquals("alice", s.get("user"));
            boolean[] loggedOut = {false};
            during(fault, () -> {
                try {
                    s.flush();
                    loggedOut[0] = true;
                } catch (SessionStoreUnavailableException expected) {
                    // Raised: the logout did not happen, or only in part that no load can see.
                }
            });
            Object first = loadAfterRepair(fault, key);
            if (loggedOut[0]) {
                assertNull(first, "a logout that returned during " + fault + " is final after the repair");
                for (int i = 0; i < 3; i++) {
                    assertNull(sessions.session(key).get("user"), "a logout stays final on later loads");
                }
                assertFalse(engine.exists(key), "no record is left behind a logout");
            } else {
                assertTrue(
                        first == null || Long.valueOf(1L).equals(first),
                        "a logout that raised left the session intact or gone, not " + first);
                Session again = sessions.session(key);
                if (again.get("v") != null) {
                    assertEquals("alice", again.get("user"), "intact means whole");
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> acknowledgedSaves_surviveAFlappingStore() {
        return perFault(fault -> {
            int keys = 3;
            List<String> sessionKeys = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                sessionKeys.add(savedSession(Map.of("v", 0L)));
            }
            long[] acknowledged = new long[keys];
            long[] attempted = new long[keys];
            boolean[] lost = new boolean[keys];
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> failures = writer.submit(() -> {
                    int raised = 0;
                    long deadline =
                            System.nanoTime() + FLAPPING_WRITES.multipliedBy(4).toNanos();
                    for (long version = 1; !stop.get() && System.nanoTime() < deadline; version++) {
                        for (int i = 0; i < keys; i++) {
                            if (lost[i]) {
                                continue;
                            }
                            Session s = sessions.session(sessionKeys.get(i));
                            try {
                                Object current = s.get("v");
                                if (current == null) {
                                    if (!fault.losesData()) {
                                        fail("a load during " + fault + " returned an empty session");
                                    }
                                    lost[i] = true;
                                    continue;
                                }
                                assertTrue(
                                        (Long) current >= acknowledged[i],
                                        "a load returned version " + current + " after version " + acknowledged[i]
                                                + " was acknowledged");
                                s.put("v", version);
                                attempted[i] = version;
                                s.save();
                                acknowledged[i] = version;
                            } catch (SessionStoreUnavailableException expected) {
                                raised++;
                            }
                        }
                    }
                    return raised;
                });
                sleep(FLAPPING_WRITES.dividedBy(8));
                for (int round = 0; round < 2; round++) {
                    try (AutoCloseable repair = fault.injector().inject()) {
                        sleep(FLAPPING_WRITES.dividedBy(4));
                    }
                    sleep(FLAPPING_WRITES.dividedBy(8));
                }
                stop.set(true);
                int raised = failures.get(FLAPPING_WRITES.multipliedBy(5).toSeconds(), TimeUnit.SECONDS);
                for (int i = 0; i < keys; i++) {
                    Object v = sessions.session(sessionKeys.get(i)).get("v");
                    if (v == null && fault.losesData()) {
                        continue;
                    }
                    assertNotNull(v, "session " + i + " vanished although " + fault + " keeps data");
                    long loaded = (Long) v;
                    assertTrue(
                            loaded >= acknowledged[i] && loaded <= Math.max(attempted[i], acknowledged[i]),
                            "session " + i + " loads version " + loaded + "; acknowledged " + acknowledged[i]
                                    + ", last attempted " + attempted[i] + " (" + raised + " saves raised)");
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                stop.set(true);
                writer.shutdownNow();
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    private String savedSession(Map<String, Object> data) {
        Session s = sessions.newSession();
        new LinkedHashMap<>(data).forEach(s::put);
        s.save();
        return s.getSessionKey();
    }

    /** Runs {@code body} while {@code fault} is injected; the store is repaired whatever happens. */
    private static void during(StoreFault fault, Executable body) {
        try (AutoCloseable repair = fault.injector().inject()) {
            body.execute();
        } catch (AssertionError | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError("injecting or repairing " + fault + " failed", e);
        }
    }

    /** The value of {@code v} after the repair (the store answers again, so no exception is allowed). */
    private Object loadAfterRepair(StoreFault fault, String key) {
        try {
            return sessions.session(key).get("v");
        } catch (SessionStoreUnavailableException e) {
            throw new AssertionError("the store was repaired after " + fault + " but does not answer", e);
        }
    }

    private void assertLoadsBack(StoreFault fault, String key, long expected) {
        Object v = loadAfterRepair(fault, key);
        if (v == null && fault.losesData()) {
            return;
        }
        assertEquals(expected, v, "the session loads back after " + fault + " is repaired");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
