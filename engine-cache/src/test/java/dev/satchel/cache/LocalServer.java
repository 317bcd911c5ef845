package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.testing.Servers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server or memcached process this test run owns, on a free loopback port. It can be killed
 * and started again on the same port; it never touches the shared servers on 6379 and 11211.
 */
final class LocalServer implements AutoCloseable {
    private final String binary;
    private final List<String> extraArgs;
    private final int port;
    private Process process;

    private LocalServer(String binary, int port, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** A private redis-server (started), with extra config directives such as {@code --user ...}. */
    static LocalServer redis(String... extraArgs) {
        return started("redis-server", List.of(extraArgs));
    }

    /** A private memcached (started). */
    static LocalServer memcached(String... extraArgs) {
        return started("memcached", List.of(extraArgs));
    }

    private static LocalServer started(String binary, List<String> extraArgs) {
        String path = find(binary);
        if (path == null) {
            String message = binary + " is not installed, so this test cannot start its own server"
                    + " (apt-get install -y redis-server memcached, or run scripts/services)";
            if (Servers.isCi()) {
                fail(message + " (CI=true: a missing server fails the run)");
            }
            assumeTrue(false, message);
        }
        LocalServer server = new LocalServer(path, Servers.freePort(), extraArgs);
        server.start();
        return server;
    }

    private static String find(String binary) {
        String pathEnv = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((pathEnv == null ? "" : pathEnv).split(File.pathSeparator)));
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/bin");
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    int port() {
        return port;
    }

    /** Starts the process (again) on the same port and waits until it accepts connections. */
    void start() {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        if (binary.endsWith("redis-server")) {
            cmd.addAll(List.of(
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--loglevel",
                    "warning"));
        } else {
            cmd.addAll(List.of("-p", Integer.toString(port), "-l", "127.0.0.1", "-U", "0", "-m", "64", "-u", "nobody"));
        }
        cmd.addAll(extraArgs);
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

    /** Kills the process (SIGKILL: no goodbye to clients) and waits until it is gone. */
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

    static void sleep(long millis) {
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
