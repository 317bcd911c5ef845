package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.satchel.UpdateException;
import dev.satchel.file.internal.FileState;
import dev.satchel.file.internal.SessionDirectory;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete is final: no update, create, expiry check or sweep running at the same moment brings the
 * file back. Deterministic cases hold a thread at a named point of the write (the engine's pause
 * seam); the stress case widens the same windows at random.
 */
class DeleteRaceTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /**
     * The update is held after its last check that the file exists, right before its rename (the
     * window of issue #12, defect 5). A delete arriving then must not be undone: either it waits for
     * the update and removes what it wrote (the update returned first, so it is ordered before the
     * delete), or the update fails with {@link UpdateException}. On the unfixed engine the rename
     * recreated the deleted file.
     */
    @Test
    void aDeleteBetweenTheUpdatesLastCheckAndItsRename_staysDeleted() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir)) {
                String key = created(f);
                Gate gate = new Gate(SessionDirectory.Pause.REPLACE);
                f.engine.pauseAt(gate);
                AtomicReference<Throwable> saveOutcome = new AtomicReference<>();
                Thread update = new Thread(() -> saveOutcome.set(attempt(() -> update(f, key, 2))));
                update.start();
                gate.awaitReached();
                Thread delete = new Thread(() -> f.engine.delete(key));
                delete.start();
                awaitDoneOrBlocked(delete);
                gate.release();
                update.join();
                delete.join();
                assertFalse(f.engine.exists(key), "the session came back after its delete returned");
                assertTrue(f.engine.load(key).isEmpty());
                Throwable outcome = saveOutcome.get();
                if (outcome != null) {
                    // The update lost the race: it must say so, not fail in some other way.
                    assertInstanceOf(UpdateException.class, outcome);
                }
            }
        });
    }

    /** A delete while the update's new version is still only a temporary file: the update fails. */
    @Test
    void aDeleteWhileTheTemporaryFileIsWritten_failsTheUpdate() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir)) {
                String key = created(f);
                Gate gate = new Gate(SessionDirectory.Pause.WRITTEN);
                f.engine.pauseAt(gate);
                AtomicReference<Throwable> saveOutcome = new AtomicReference<>();
                Thread update = new Thread(() -> saveOutcome.set(attempt(() -> update(f, key, 2))));
                update.start();
                gate.awaitReached();
                f.engine.delete(key); // nothing holds the key yet: returns at once
                gate.release();
                update.join();
                assertInstanceOf(UpdateException.class, saveOutcome.get(), "the update must fail");
                assertFalse(f.engine.exists(key));
                assertEquals(
                        List.of(),
                        Fixture.names(dir).stream()
                                .filter(n -> n.startsWith("sessionid"))
                                .toList());
            }
        });
    }

    /**
     * An expiry check (a load or a sweep) saw an old version, an update then wrote a newer one; the
     * check renames the file aside, finds it newer and is held before putting it back. A delete
     * arriving then must stay done: on the unfixed engine the check put the deleted session back.
     */
    @Test
    void aDeleteWhileAnExpiryCheckHasTheFileSetAside_staysDeleted() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir);
                    SessionDirectory checker = new SessionDirectory(dir, "sessionid")) {
                String key = created(f);
                // What an expiry check (load or sweep) saw, before an update wrote a newer version.
                FileState seen = checker.stat(key);
                update(f, key, 2);
                Gate gate = new Gate(SessionDirectory.Pause.SET_ASIDE);
                checker.pauseAt(gate);
                AtomicReference<Throwable> checkOutcome = new AtomicReference<>();
                Thread check = new Thread(() -> checkOutcome.set(attempt(() -> {
                    try {
                        assertFalse(checker.deleteIfUnchanged("sessionid" + key, seen), "a newer version is kept");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })));
                check.start();
                gate.awaitReached();
                Thread delete = new Thread(() -> f.engine.delete(key));
                delete.start();
                awaitDoneOrBlocked(delete);
                gate.release();
                check.join();
                delete.join();
                assertEquals(null, checkOutcome.get());
                assertFalse(f.engine.exists(key), "the expiry check put back a session deleted meanwhile");
            }
        });
    }

    /**
     * Bounded stress: per round two threads update one session until an update fails, a third
     * deletes it at a random moment; the pause seam sleeps at random inside the rename window. After
     * every round the session must be gone. Stops at the first violation.
     */
    @Test
    void updatesRacingADelete_neverBringTheSessionBack() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir)) {
                f.engine.pauseAt(point -> {
                    if (point.equals(SessionDirectory.Pause.REPLACE)
                            && ThreadLocalRandom.current().nextBoolean()) {
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                int rounds = 0;
                long acknowledged = 0;
                List<Throwable> unexpected = new CopyOnWriteArrayList<>();
                while (rounds < 300 && System.nanoTime() < deadline) {
                    rounds++;
                    String key = created(f);
                    AtomicInteger acks = new AtomicInteger();
                    AtomicBoolean deleted = new AtomicBoolean();
                    Runnable hammer = () -> {
                        for (int seq = 1; seq <= 2_000; seq++) {
                            try {
                                update(f, key, seq);
                                acks.incrementAndGet();
                            } catch (UpdateException gone) {
                                return;
                            } catch (Throwable e) {
                                unexpected.add(e);
                                return;
                            }
                        }
                        if (deleted.get()) {
                            unexpected.add(new AssertionError("updates kept succeeding after the delete"));
                        }
                    };
                    Thread a = new Thread(hammer);
                    Thread b = new Thread(hammer);
                    a.start();
                    b.start();
                    while (acks.get() < 1 && a.isAlive()) {
                        Thread.onSpinWait();
                    }
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000));
                    f.engine.delete(key);
                    deleted.set(true);
                    a.join();
                    b.join();
                    acknowledged += acks.get();
                    assertEquals(List.of(), unexpected);
                    if (f.engine.exists(key)) {
                        fail("round " + rounds + ": the session came back after its delete returned");
                    }
                }
                System.out.printf(
                        "update/delete stress: %d rounds, %d acknowledged updates, no session came back%n",
                        rounds, acknowledged);
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    private static String created(Fixture f) {
        String key = dev.satchel.SessionKeys.generate();
        f.engine.save(key, record(f, 1), SaveMode.CREATE);
        return key;
    }

    private static void update(Fixture f, String key, long seq) {
        f.engine.save(key, record(f, seq), SaveMode.UPDATE);
    }

    private static SessionRecord record(Fixture f, long seq) {
        return SessionRecord.of(
                f.engine.codec().encode(Map.of("seq", seq)), f.clock.instant().plusSeconds(3600));
    }

    private static Throwable attempt(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    /** Returns once the thread has finished or is parked (waiting for a lock the paused one holds). */
    static void awaitDoneOrBlocked(Thread t) throws InterruptedException {
        int parkedSeen = 0;
        while (t.isAlive() && parkedSeen < 2) {
            Thread.State s = t.getState();
            parkedSeen = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED
                    ? parkedSeen + 1
                    : 0;
            Thread.sleep(10);
        }
    }

    /** Holds the first thread that reaches {@code point} until released. */
    static final class Gate implements SessionDirectory.Pause {
        private final String point;
        private final AtomicBoolean used = new AtomicBoolean();
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        Gate(String point) {
            this.point = point;
        }

        @Override
        public void at(String p) {
            if (p.equals(point) && used.compareAndSet(false, true)) {
                reached.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitReached() throws InterruptedException {
            assertTrue(reached.await(30, TimeUnit.SECONDS), "the write reached " + point);
        }

        void release() {
            release.countDown();
        }
    }
}
