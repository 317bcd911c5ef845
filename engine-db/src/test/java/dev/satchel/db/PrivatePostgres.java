package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server this test run owns: its own data directory (initdb) and a free loopback port,
 * run as the {@code postgres} user because PostgreSQL refuses root. It can be killed with SIGKILL
 * (the postmaster and every backend) and started again on the same data, so crash recovery runs.
 * It never touches the shared server on 5432.
 */
final class PrivatePostgres implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final Path data;
    private final int port;
    private final List<String> options;
    private Process postmaster;

    private PrivatePostgres(Path dir, int port, List<String> options) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.options = options;
    }

    /**
     * Creates and starts a server; {@code options} are {@code name=value} server settings (passed
     * as {@code -c}). Fails in CI, skips elsewhere, when PostgreSQL's binaries are missing.
     */
    static PrivatePostgres create(String... options) {
        boolean installed = Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("postgres"));
        boolean runAsPostgres = Files.isExecutable(Path.of("/usr/bin/setpriv"));
        if (!installed || !runAsPostgres) {
            String message = "PostgreSQL 15 binaries (" + BIN + ") or setpriv are missing, so this test cannot"
                    + " start its own PostgreSQL (apt-get install -y postgresql-15 util-linux)";
            if (Servers.isCi()) {
                fail(message + " (CI=true: a missing server fails the run)");
            }
            assumeTrue(false, message);
        }
        try {
            Path dir = Files.createTempDirectory("satchel-pg");
            run("chown", "postgres:", dir.toString());
            PrivatePostgres pg = new PrivatePostgres(dir, Servers.freePort(), List.of(options));
            run(asPostgres(
                    BIN.resolve("initdb").toString(),
                    "-D",
                    pg.data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync"));
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a private PostgreSQL", e);
        }
    }

    private static String[] asPostgres(String... command) {
        List<String> cmd = new ArrayList<>(
                List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env"));
        cmd.addAll(List.of(command));
        return cmd.toArray(String[]::new);
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    int port() {
        return port;
    }

    /** Starts the postmaster (again, on the same data and port) and waits until it accepts queries. */
    void start() {
        List<String> cmd = new ArrayList<>(List.of(
                BIN.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-k",
                dir.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "logging_collector=off"));
        for (String option : options) {
            cmd.add("-c");
            cmd.add(option);
        }
        try {
            postmaster = new ProcessBuilder(asPostgres(cmd.toArray(String[]::new)))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(url())) {
                return;
            } catch (SQLException e) {
                if (!postmaster.isAlive()) {
                    throw new IllegalStateException("postgres exited with " + postmaster.exitValue() + ": " + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postgres did not accept queries within 60 s: " + log());
                }
                sleep(50);
            }
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * SIGKILLs the postmaster and every process it started, as a machine crash or the OOM killer
     * would: the postmaster is stopped first so that it cannot fork while its children are listed.
     */
    void kill() {
        if (postmaster == null || !postmaster.isAlive()) {
            return;
        }
        run("kill", "-STOP", Long.toString(postmaster.pid()));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(postmaster.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(20, TimeUnit.SECONDS).join();
        }
        postmaster = null;
    }

    /** Runs statements as the superuser on a connection of its own. */
    void sql(String... statements) {
        try (Connection c = DriverManager.getConnection(url());
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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

    /** Kills the server and removes its data. */
    @Override
    public void close() throws IOException {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
