package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.Session;
import dev.satchel.SessionStoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full and a read-only directory, on a 256 KiB tmpfs mounted for the test (needs root or
 * CAP_SYS_ADMIN; skipped with the reason otherwise, since permissions alone do not stop root).
 */
class StoreFaultTest {
    @TempDir
    Path root;

    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectory(root.resolve("tmpfs"));
        String result = run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mount.toString());
        assumeTrue(result.isEmpty(), "cannot mount a tmpfs here (" + result + "); fault tests need root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFullDirectory_failsTheSave_andKeepsThePreviousVersion() throws IOException {
        try (Fixture f = Fixture.open(mount)) {
            Session s = f.sessions.newSession();
            s.put("blob", noise(1, 40_000));
            s.save();
            Path file = f.engine.fileOf(s.getSessionKey());
            byte[] before = Files.readAllBytes(file);
            Path filler = mount.resolve("filler");
            try {
                Files.write(filler, new byte[1024 * 1024]);
            } catch (IOException full) {
                // expected: the filler takes the rest of the space
            }
            s.put("blob", noise(2, 40_000));
            SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class, s::save);
            assertEquals(IOException.class, e.getCause().getClass());
            assertArrayEquals(before, Files.readAllBytes(file), "the previous version is intact");
            assertEquals(
                    List.of("filler", file.getFileName().toString()), Fixture.names(mount), "no temporary file left");
            assertEquals(noise(1, 40_000), f.sessions.session(s.getSessionKey()).get("blob"));
            Files.delete(filler);
            s.save();
            assertEquals(noise(2, 40_000), f.sessions.session(s.getSessionKey()).get("blob"));
        }
    }

    @Test
    void aReadOnlyDirectory_failsSaveAndDelete_andKeepsTheFile() throws Exception {
        try (Fixture f = Fixture.open(mount)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            Path file = f.engine.fileOf(s.getSessionKey());
            byte[] before = Files.readAllBytes(file);
            assertEquals("", run("mount", "-o", "remount,ro", mount.toString()));
            try {
                Session next = f.sessions.session(s.getSessionKey());
                assertEquals(1L, next.get("a"), "reading still works");
                next.put("a", 2L);
                assertThrows(SessionStoreUnavailableException.class, next::save);
                Session fresh = f.sessions.newSession();
                fresh.put("b", 1L);
                assertThrows(SessionStoreUnavailableException.class, fresh::save);
                assertThrows(SessionStoreUnavailableException.class, () -> f.engine.delete(s.getSessionKey()));
                assertArrayEquals(before, Files.readAllBytes(file));
            } finally {
                run("mount", "-o", "remount,rw", mount.toString());
            }
            assertEquals(List.of(file.getFileName().toString()), Fixture.names(mount));
        }
    }

    private static String noise(long seed, int bytes) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Runs a command; returns "" on success, else its exit status and output. */
    private static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        int status = p.waitFor();
        return status == 0 ? "" : "exit " + status + ": " + out;
    }
}
