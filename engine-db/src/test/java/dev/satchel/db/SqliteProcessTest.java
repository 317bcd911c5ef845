package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.spi.SaveMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SQLite file shared by processes: a writer SIGKILLed mid-save loses no acknowledged save and
 * leaves a sound database the next process writes to; two live writers on the same sessions see
 * no error other than named ones, and the last acknowledged save of each session is what it holds.
 */
class SqliteProcessTest {
    @TempDir
    Path dir;

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("shared.sqlite3");
    }

    private static Map<String, Object> stored(DbSessionEngine engine, String key) {
        return engine.codec().decode(engine.load(key).orElseThrow().data()).data();
    }

    @Test
    void writerKilledMidSave_everyAcknowledgedVersionSurvives_fileSound_nextProcessWrites() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            String key = TestDb.key();
            try (DbSessionEngine parent = SqliteWorker.engine(url())) {
                parent.save(key, SqliteWorker.record(parent, "crash", 0, 8_000), SaveMode.CREATE);
            }
            Random random = new Random(12);
            int rounds = 5;
            long acknowledged = 0;
            long totalAcks = 0;
            long next = 1;
            for (int round = 0; round < rounds; round++) {
                Process p = worker("crash", url(), key, Long.toString(next));
                AtomicLong acked = new AtomicLong(-1);
                AtomicLong begun = new AtomicLong(-1);
                AtomicLong acks = new AtomicLong();
                AtomicReference<Throwable> readerFailure = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Pattern line = Pattern.compile("(begin|ack) " + Pattern.quote(key) + " crash (\\d+)");
                Thread reader = new Thread(() -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                        for (String text; (text = r.readLine()) != null; ) {
                            Matcher m = line.matcher(text);
                            if (!m.matches()) {
                                continue; // anything else the JVM may print
                            }
                            long version = Long.parseLong(m.group(2));
                            if (m.group(1).equals("begin")) {
                                begun.set(version);
                            } else {
                                acked.set(version);
                                if (acks.incrementAndGet() == 20) {
                                    started.countDown();
                                }
                            }
                        }
                    } catch (IOException ignored) {
                        // the process was killed
                    } catch (RuntimeException | Error e) {
                        readerFailure.set(e);
                    }
                });
                reader.start();
                assertTrue(started.await(60, TimeUnit.SECONDS), "the worker saved 20 times");
                Thread.sleep(random.nextInt(150));
                p.destroyForcibly(); // SIGKILL, most likely inside a save
                p.waitFor();
                reader.join();
                assertNull(readerFailure.get(), "the worker's output was read to the end");
                acknowledged = acked.get();
                totalAcks += acks.get();
                try (DbSessionEngine parent = SqliteWorker.engine(url())) {
                    Map<String, Object> data = stored(parent, key);
                    long version = (Long) data.get("n");
                    assertEquals(SqliteWorker.blob("crash", version, 8_000), data.get("blob"), "one whole version");
                    // at least the last acknowledged save, at most the save that was under way when killed
                    assertTrue(
                            version >= acknowledged && version <= begun.get(),
                            "stored version " + version + ", last acknowledged " + acknowledged + ", last begun "
                                    + begun.get());
                    next = version + 1;
                }
            }
            try (Connection c = TestDb.connect(url());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                assertTrue(rs.next());
                assertEquals("ok", rs.getString(1), "the database is sound after " + rounds + " SIGKILLs");
            }
            try (DbSessionEngine parent = SqliteWorker.engine(url())) {
                parent.save(key, SqliteWorker.record(parent, "parent", next, 100), SaveMode.UPDATE);
                assertEquals(next, stored(parent, key).get("n"), "the parent writes after the crashes");
            }
            System.out.printf(
                    "[sqlite, 2 processes] %d SIGKILLs, %d acknowledged saves, every last acknowledged version"
                            + " survived%n",
                    rounds, totalAcks);
        });
    }

    @Test
    void twoProcessesWritingTheSameSessions_onlyNamedRefusals_lastAcknowledgedSaveWins() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            List<String> keys = new ArrayList<>();
            try (DbSessionEngine parent = SqliteWorker.engine(url())) {
                for (int i = 0; i < 4; i++) {
                    String key = TestDb.key();
                    parent.save(key, SqliteWorker.record(parent, "init", 0, 200), SaveMode.CREATE);
                    keys.add(key);
                }
            }
            int iterations = 150;
            List<String> a = new ArrayList<>(List.of("hammer", url(), "a", Integer.toString(iterations)));
            List<String> b = new ArrayList<>(List.of("hammer", url(), "b", Integer.toString(iterations)));
            a.addAll(keys);
            b.addAll(keys);
            Process pa = worker(a.toArray(String[]::new));
            Process pb = worker(b.toArray(String[]::new));
            List<String> outA = new String(pa.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
            List<String> outB = new String(pb.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
            assertEquals(
                    0,
                    pa.waitFor(),
                    "writer a: "
                            + outA.stream().filter(l -> !l.startsWith("ack")).toList());
            assertEquals(
                    0,
                    pb.waitFor(),
                    "writer b: "
                            + outB.stream().filter(l -> !l.startsWith("ack")).toList());
            Map<String, Long> lastAck = new HashMap<>();
            long acks = 0;
            long refused = 0;
            for (String line : concat(outA, outB)) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ack")) {
                    acks++;
                    lastAck.merge(parts[1] + " " + parts[2], Long.parseLong(parts[3]), Math::max);
                } else if (parts[0].equals("refused")) {
                    refused++;
                } else {
                    // Anything else is the pool's log on stdout, or "done".
                    assertTrue(!parts[0].equals("undefined"), "only acknowledgements and named refusals: " + line);
                }
            }
            try (DbSessionEngine parent = SqliteWorker.engine(url())) {
                for (String key : keys) {
                    Map<String, Object> data = stored(parent, key);
                    String writer = (String) data.get("writer");
                    long version = (Long) data.get("n");
                    assertEquals(SqliteWorker.blob(writer, version, 200), data.get("blob"), "one whole version");
                    assertTrue(
                            version >= lastAck.getOrDefault(key + " " + writer, 0L),
                            key + " holds " + writer + " " + version + ", but that writer's last acknowledged save is "
                                    + lastAck.get(key + " " + writer));
                }
            }
            System.out.printf("[sqlite, 2 live processes] %d acknowledged saves, %d named refusals%n", acks, refused);
        });
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Process worker(String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                classPath,
                SqliteWorker.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
