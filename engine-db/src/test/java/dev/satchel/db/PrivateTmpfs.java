package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs this test run mounts, owned by the {@code postgres} user, so that a private
 * PostgreSQL can put a tablespace on a filesystem that really fills up (ENOSPC). Mounting needs root
 * or CAP_SYS_ADMIN: with {@code CI=true} a failed mount fails the test, elsewhere it is skipped with
 * the reason. Close it only after every process using it has stopped, or the unmount is refused.
 */
final class PrivateTmpfs implements AutoCloseable {
    private final Path root;
    private final Path mount;

    private PrivateTmpfs(Path root, Path mount) {
        this.root = root;
        this.mount = mount;
    }

    /** Mounts a tmpfs of {@code size} (such as {@code "4m"}) and hands it to the postgres user. */
    static PrivateTmpfs mountForPostgres(String size) throws IOException {
        Path root = Files.createTempDirectory("satchel-tmpfs");
        Path mount = Files.createDirectory(root.resolve("fs"));
        String result = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mount.toString());
        if (result.isEmpty()) {
            // The parent too: createTempDirectory makes it 0700, which the postgres user cannot cross.
            result = run("chown", "postgres:postgres", root.toString(), mount.toString());
            if (!result.isEmpty()) {
                run("umount", mount.toString());
            }
        }
        if (!result.isEmpty()) {
            Files.delete(mount);
            Files.delete(root);
            String message = "cannot mount a tmpfs for postgres here (" + result + "); this test needs root";
            if (Servers.isCi()) {
                fail(message + " (CI=true: a missing fault fails the run)");
            }
            assumeTrue(false, message);
        }
        return new PrivateTmpfs(root, mount);
    }

    /** The mounted directory. */
    Path path() {
        return mount;
    }

    /** Runs a command; returns "" on success, else its exit status and output. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Unmounts (discarding the contents) and removes the mount point. */
    @Override
    public void close() throws IOException {
        String result = run("umount", mount.toString());
        if (!result.isEmpty()) {
            throw new IOException("cannot unmount " + mount + ": " + result);
        }
        Files.delete(mount);
        Files.delete(root);
    }
}
