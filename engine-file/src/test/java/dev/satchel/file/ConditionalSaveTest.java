package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.SessionKeys;
import dev.satchel.UpdateException;
import dev.satchel.file.internal.SessionDirectory;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file engine's conditional save: it replaces a session file only if the file still holds
 * exactly the content loaded, is not expired and was not deleted; otherwise it raises {@link
 * UpdateException}, writes nothing and leaves no temporary file. The check and the rename are one
 * step under the file's lock (deterministic cases hold a thread at the engine's pause points).
 */
class ConditionalSaveTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anUnchangedFile_isReplaced_andItsVersionIsTheDataItself() {
        try (Fixture f = Fixture.open(dir)) {
            String key = created(f, 1);
            SessionRecord loaded = f.engine.load(key).orElseThrow();
            assertEquals(loaded.data(), loaded.version(), "the version of an ASCII file is its data");
            assertEquals(key, cas(f).saveIfUnchanged(key, record(f, 2), loaded.version()));
            assertEquals(2L, seq(f, key));
            assertEquals(List.of("sessionid" + key), Fixture.names(dir), "no temporary file is left");
        }
    }

    @Test
    void aChangedFile_isNotReplaced() {
        try (Fixture f = Fixture.open(dir)) {
            String key = created(f, 1);
            Object seen = f.engine.load(key).orElseThrow().version();
            f.engine.save(key, record(f, 2), SaveMode.UPDATE);
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 3), seen));
            assertEquals(2L, seq(f, key), "the other writer's version is kept");
            assertEquals(List.of("sessionid" + key), Fixture.names(dir), "no temporary file is left");
        }
    }

    @Test
    void aDeletedFile_isNotRecreated() {
        try (Fixture f = Fixture.open(dir)) {
            String key = created(f, 1);
            Object seen = f.engine.load(key).orElseThrow().version();
            f.engine.delete(key);
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 2), seen));
            assertFalse(f.engine.exists(key));
            assertEquals(List.of(), Fixture.names(dir));
        }
    }

    @Test
    void anExpiredFile_isNotReplaced_evenWithTheSameContent() {
        try (Fixture f = Fixture.open(dir)) {
            String key = SessionKeys.generate();
            f.engine.save(key, record(f, 1, 60), SaveMode.CREATE);
            Object seen = f.engine.load(key).orElseThrow().version();
            f.clock.advance(Duration.ofSeconds(61));
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 2), seen));
            assertNull(f.engine.load(key).orElse(null), "still the expired version, deleted on load");
        }
    }

    @Test
    void withoutALoadedVersion_nothingIsWritten() {
        try (Fixture f = Fixture.open(dir)) {
            String key = created(f, 1);
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 2), null));
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 2), 42L));
            assertEquals(1L, seq(f, key));
            assertEquals(List.of("sessionid" + key), Fixture.names(dir));
        }
    }

    /** Django writes no version and takes no lock: its files are compared by content all the same. */
    @Test
    void aFileDjangoWrote_isComparedByContent() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            String key = SessionKeys.generate();
            Instant now = Instant.now();
            Fixture.writeLikeDjango(dir, "sessionid" + key, encode(f, 1), now);
            Object seen = f.engine.load(key).orElseThrow().version();
            Fixture.writeLikeDjango(dir, "sessionid" + key, encode(f, 7), now);
            assertThrows(UpdateException.class, () -> cas(f).saveIfUnchanged(key, record(f, 2), seen));
            assertEquals(7L, seq(f, key), "Django's newer write is kept");
            Object current = f.engine.load(key).orElseThrow().version();
            cas(f).saveIfUnchanged(key, record(f, 8), current);
            assertEquals(8L, seq(f, key));
            // An empty file (Django's empty session) has a version too: its empty content.
            Fixture.writeLikeDjango(dir, "sessionid" + key, "", now);
            Object empty = f.engine.load(key).orElseThrow().version();
            assertEquals("", empty);
            cas(f).saveIfUnchanged(key, record(f, 9), empty);
            assertEquals(9L, seq(f, key));
        }
    }

    /**
     * A conditional save whose temporary file is written but which has not taken the lock yet; another
     * writer replaces the file meanwhile. The check under the lock sees the change and refuses.
     */
    @Test
    void aChangeWhileTheTemporaryFileIsWritten_isDetected() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir)) {
                String key = created(f, 1);
                Object seen = f.engine.load(key).orElseThrow().version();
                DeleteRaceTest.Gate gate = new DeleteRaceTest.Gate(SessionDirectory.Pause.WRITTEN);
                f.engine.pauseAt(gate);
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                Thread save =
                        new Thread(() -> outcome.set(attempt(() -> cas(f).saveIfUnchanged(key, record(f, 2), seen))));
                save.start();
                gate.awaitReached();
                f.engine.save(key, record(f, 3), SaveMode.UPDATE);
                gate.release();
                save.join();
                assertInstanceOf(UpdateException.class, outcome.get());
                assertEquals(3L, seq(f, key), "the concurrent write is kept");
                assertEquals(List.of("sessionid" + key), Fixture.names(dir), "no temporary file is left");
            }
        });
    }

    /**
     * Two conditional saves against the same loaded version: the first is held after its check,
     * holding the lock, right before its rename. The second must wait and then find the first's
     * version, so exactly one of them is stored; comparing outside the lock would let both pass and
     * the first's update be lost.
     */
    @Test
    void twoSavesOfTheSameVersion_exactlyOneWins() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Fixture f = Fixture.open(dir)) {
                String key = created(f, 1);
                Object seen = f.engine.load(key).orElseThrow().version();
                DeleteRaceTest.Gate gate = new DeleteRaceTest.Gate(SessionDirectory.Pause.REPLACE);
                f.engine.pauseAt(gate);
                AtomicReference<Throwable> first = new AtomicReference<>();
                AtomicReference<Throwable> second = new AtomicReference<>();
                Thread a = new Thread(() -> first.set(attempt(() -> cas(f).saveIfUnchanged(key, record(f, 2), seen))));
                a.start();
                gate.awaitReached();
                Thread b = new Thread(() -> second.set(attempt(() -> cas(f).saveIfUnchanged(key, record(f, 3), seen))));
                b.start();
                DeleteRaceTest.awaitDoneOrBlocked(b);
                gate.release();
                a.join();
                b.join();
                assertNull(first.get(), "the first save, checked under the lock, is stored");
                assertInstanceOf(UpdateException.class, second.get(), "the second finds the first's version");
                assertEquals(2L, seq(f, key));
                assertEquals(List.of("sessionid" + key), Fixture.names(dir), "no temporary file is left");
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    private static ConditionalSave cas(Fixture f) {
        return f.engine.conditionalSave().orElseThrow();
    }

    private static String created(Fixture f, long seq) {
        String key = SessionKeys.generate();
        f.engine.save(key, record(f, seq), SaveMode.CREATE);
        return key;
    }

    private static long seq(Fixture f, String key) {
        return (Long) f.engine
                .codec()
                .decode(f.engine.load(key).orElseThrow().data())
                .data()
                .get("seq");
    }

    private static String encode(Fixture f, long seq) {
        return f.engine.codec().encode(Map.of("seq", seq));
    }

    private static SessionRecord record(Fixture f, long seq) {
        return record(f, seq, 3600);
    }

    private static SessionRecord record(Fixture f, long seq, long seconds) {
        return SessionRecord.of(encode(f, seq), f.clock.instant().plusSeconds(seconds));
    }

    private static Throwable attempt(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }
}
