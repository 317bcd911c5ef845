package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server this test owns on a free loopback port, optionally persisting every write
 * ({@code appendfsync always}) in its own directory. It can be killed with SIGKILL and started again
 * on the same port and data; the shared Redis on 6379 is never touched.
 */
final class PrivateRedis implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port = Servers.freePort();
    private final Path dir;
    private final boolean persistent;
    private Process process;

    private PrivateRedis(Path dir, boolean persistent) {
        this.dir = dir;
        this.persistent = persistent;
    }

    /** A started server; {@code persistent} keeps every acknowledged write across a kill. */
    static PrivateRedis start(Path dir, boolean persistent) {
        if (!Files.isExecutable(BINARY)) {
            String message = BINARY + " is missing, so this test cannot start its own Redis";
            if (Servers.isCi()) {
                fail(message + " (CI=true: a missing server fails the run)");
            }
            assumeTrue(false, message);
        }
        PrivateRedis redis = new PrivateRedis(dir, persistent);
        redis.start();
        return redis;
    }

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (again) and waits until it accepts connections. */
    void start() {
        List<String> cmd = new ArrayList<>(List.of(
                BINARY.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--daemonize",
                "no",
                "--loglevel",
                "warning"));
        cmd.addAll(
                persistent ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Servers.reachable("127.0.0.1", port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(cmd + " exited with " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(cmd + " did not accept connections within 15 s");
            }
            sleep(20);
        }
    }

    /** SIGKILL: no goodbye to clients, nothing flushed beyond what was already fsynced. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        while (Servers.reachable("127.0.0.1", port)) {
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
