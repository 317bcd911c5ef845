package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineFaultKit;
import dev.satchel.tck.StoreFault;
import dev.satchel.testing.Servers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fault kit against real filesystem faults on a private 1 MiB tmpfs: the filesystem full (a
 * filler file takes every free block) and the filesystem remounted read-only. Mounting needs root
 * (or CAP_SYS_ADMIN): in CI a failed mount fails the class, elsewhere it is skipped with the reason.
 * Permission faults cannot be injected as root (root ignores file modes).
 */
class FileEngineFaultTest extends SessionEngineFaultKit {
    private static Path root;
    private static Path mount;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        root = Files.createTempDirectory("satchel-file-faults");
        mount = Files.createDirectory(root.resolve("tmpfs"));
        String result = run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mount.toString());
        if (!result.isEmpty() && Servers.isCi()) {
            fail("cannot mount a tmpfs for the file engine's fault tests (" + result + "); they need root");
        }
        if (!result.isEmpty()) {
            Files.delete(mount);
            Files.delete(root);
            mount = null;
        }
        assumeTrue(result.isEmpty(), "cannot mount a tmpfs here (" + result + "); fault tests need root");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
            Files.delete(mount);
            Files.delete(root);
        }
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return new FileSessionEngine(context);
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engineProperty(
                        FileSessionEngine.PATH, mount.resolve("sessions").toString());
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(
                StoreFault.of("filesystem full", FileEngineFaultTest::fill),
                StoreFault.of("filesystem read-only", FileEngineFaultTest::readOnly));
    }

    /** Writes a filler file until the filesystem refuses; closing deletes it. */
    private static AutoCloseable fill() throws IOException {
        Path filler = mount.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // No space left: the fault is in place.
        }
        return () -> Files.delete(filler);
    }

    /**
     * Remounts read-only; closing remounts read-write. A write in flight holds a file open for
     * writing, which makes the kernel refuse the remount for that moment: retried, at most 10 s.
     */
    private static AutoCloseable readOnly() throws Exception {
        String result = "";
        for (int attempt = 0; attempt < 1000; attempt++) {
            result = run("mount", "-o", "remount,ro", mount.toString());
            if (result.isEmpty()) {
                return () -> {
                    String back = run("mount", "-o", "remount,rw", mount.toString());
                    if (!back.isEmpty()) {
                        throw new IOException("cannot remount read-write: " + back);
                    }
                };
            }
            Thread.sleep(10);
        }
        throw new IOException("cannot remount read-only: " + result);
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
