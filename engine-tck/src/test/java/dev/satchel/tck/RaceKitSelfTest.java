package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.satchel.CreateException;
import dev.satchel.UpdateException;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kit's race cases catch the defect they were written for: an update that checks the record
 * exists and then writes it, with a gap between, lets a delete in the gap be undone.
 */
class RaceKitSelfTest {

    /** Update as check, pause, write: the file engine's old shape. */
    private static final class CheckThenWriteEngine implements SessionEngine {
        private final InMemorySessionEngine store;

        CheckThenWriteEngine(EngineContext context) {
            this.store = new InMemorySessionEngine(context);
        }

        @Override
        public String name() {
            return "check-then-write";
        }

        @Override
        public SessionCodec codec() {
            return store.codec();
        }

        @Override
        public Optional<SessionRecord> load(String key) {
            return store.load(key);
        }

        @Override
        public String save(String key, SessionRecord record, SaveMode mode) {
            if (mode == SaveMode.UPDATE) {
                if (!store.exists(key)) {
                    throw new UpdateException("gone");
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Write whether or not the record is still there, as a rename over a file name does.
                while (true) {
                    store.delete(key);
                    try {
                        return store.save(key, record, SaveMode.CREATE);
                    } catch (CreateException anotherWriterWasFaster) {
                        // Loop: the last writer wins.
                    }
                }
            }
            return store.save(key, record, mode);
        }

        @Override
        public boolean exists(String key) {
            return store.exists(key);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }
    }

    private static final class Kit extends SessionEngineCompatibilityKit {
        @Override
        protected SessionEngine createEngine(EngineContext context) {
            return new CheckThenWriteEngine(context);
        }
    }

    private static void assertFails(org.junit.jupiter.api.function.Executable kase, Kit kit) {
        kit.openKit();
        try {
            assertThrows(AssertionError.class, kase);
        } finally {
            kit.closeKit();
        }
    }

    @Test
    void aDeleteUndoneByARacingUpdate_isCaught() {
        Kit kit = new Kit();
        assertFails(kit::deleteRacingSaves_leavesNothingBehind, kit);
    }

    @Test
    void aLogoutUndoneByARacingUpdate_isCaught() {
        Kit kit = new Kit();
        assertFails(kit::logoutRacingLoadsAndSaves_neverRestoresTheSession, kit);
    }
}
