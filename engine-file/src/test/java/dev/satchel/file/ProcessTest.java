package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionKeys;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child JVMs: killed with SIGKILL mid-write, and writing alongside 16 threads. */
class ProcessTest {
    @TempDir
    Path dir;

    @Test
    void aWriterKilledMidWrite_leavesTheOldOrTheNewVersion_neverATornFile() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            FileSessionEngine engine = FileEngineWorker.engine(dir.toString());
            String key = SessionKeys.generate();
            engine.save(key, SessionRecord.of(engine.codec().encode(FileEngineWorker.big(0)), null), SaveMode.CREATE);
            Random random = new Random(42);
            int rounds = 20;
            int killedMidWrite = 0;
            long lastSeq = 0;
            for (int round = 0; round < rounds; round++) {
                Process p = worker("crash", dir.toString(), key);
                AtomicLong acked = new AtomicLong(-1);
                CountDownLatch firstAck = new CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            String[] parts = line.split(" ");
                            if (parts[0].equals("ack")) {
                                acked.set(Long.parseLong(parts[3]));
                                firstAck.countDown();
                            }
                        }
                    } catch (IOException ignored) {
                        // the process was killed
                    }
                });
                reader.start();
                assertTrue(firstAck.await(60, java.util.concurrent.TimeUnit.SECONDS), "the worker saved once");
                Thread.sleep(random.nextInt(200));
                p.destroyForcibly(); // SIGKILL
                p.waitFor();
                reader.join();
                boolean tempLeft = Fixture.names(dir).stream().anyMatch(n -> n.contains(".tmp-"));
                if (tempLeft) {
                    killedMidWrite++;
                }
                Map<String, Object> data = engine.codec()
                        .decode(Files.readString(engine.fileOf(key), StandardCharsets.US_ASCII))
                        .data();
                long seq = (Long) data.get("seq");
                assertEquals(FileEngineWorker.blob(seq), data.get("blob"), "one complete version");
                assertTrue(seq >= acked.get(), "every acknowledged save survived: file " + seq + ", acked " + acked);
                assertTrue(seq <= acked.get() + 1, "at most the one save in flight");
                lastSeq = seq;
            }
            System.out.printf(
                    "crash test: %d SIGKILLs, %d of them mid-write (temporary file left), every file complete;"
                            + " last version %d%n",
                    rounds, killedMidWrite, lastSeq);
            // The sweeper removes what the killed writers left behind, and nothing else.
            MutableClock later = new MutableClock(Instant.now().plus(Duration.ofMinutes(11)));
            try (Fixture f = Fixture.open(dir, later, b -> b)) {
                f.sessions.clearExpired();
                assertEquals(List.of("sessionid" + key), Fixture.names(dir));
            }
        });
    }

    @Test
    void sixteenThreadsAndTwoProcesses_loseNoAcknowledgedWrite() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            FileSessionEngine engine = FileEngineWorker.engine(dir.toString());
            String shared = SessionKeys.generate();
            List<String> own = new ArrayList<>();
            for (int i = 0; i < 18; i++) {
                own.add(SessionKeys.generate());
            }
            for (String key : concat(List.of(shared), own)) {
                engine.save(
                        key,
                        SessionRecord.of(engine.codec().encode(FileEngineWorker.small("init", 0)), null),
                        SaveMode.CREATE);
            }
            int iterations = 60;
            Map<String, Long> lastAck = new ConcurrentHashMap<>();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            List<Process> processes = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                String writer = "p" + p;
                Process proc =
                        worker("hammer", dir.toString(), writer, String.valueOf(iterations), shared, own.get(16 + p));
                processes.add(proc);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(proc.getInputStream(), StandardCharsets.US_ASCII))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            String[] parts = line.split(" ");
                            if (parts[0].equals("ack")) {
                                lastAck.merge(parts[1] + " " + parts[2], Long.parseLong(parts[3]), Math::max);
                            }
                        }
                    } catch (IOException e) {
                        unexpected.add(e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                String writer = "t" + t;
                String mine = own.get(t);
                Thread thread = new Thread(() -> {
                    for (int i = 1; i <= iterations; i++) {
                        for (String key : List.of(shared, mine)) {
                            try {
                                engine.save(
                                        key,
                                        SessionRecord.of(
                                                engine.codec().encode(FileEngineWorker.small(writer, i)), null),
                                        SaveMode.UPDATE);
                                lastAck.merge(key + " " + writer, (long) i, Math::max);
                                Optional<SessionRecord> back = engine.load(key);
                                assertTrue(back.isPresent());
                                engine.codec().decode(back.get().data()); // always one complete version
                            } catch (UpdateException | SessionStoreUnavailableException defined) {
                                // allowed to escape; none is expected here
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }
                        if (i % 20 == 0) {
                            try {
                                engine.clearExpired(); // concurrent sweeps delete nothing alive
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            for (Process proc : processes) {
                assertEquals(0, proc.waitFor(), "worker exit status");
            }
            for (Thread reader : readers) {
                reader.join();
            }
            assertEquals(List.of(), unexpected);
            for (int i = 0; i < 18; i++) {
                String writer = i < 16 ? "t" + i : "p" + (i - 16);
                Map<String, Object> data = decode(engine, own.get(i));
                assertEquals(writer, data.get("writer"));
                assertEquals(lastAck.get(own.get(i) + " " + writer), data.get("seq"), "the last acknowledged write");
                assertEquals((long) iterations, data.get("seq"));
            }
            Map<String, Object> last = decode(engine, shared);
            String writer = (String) last.get("writer");
            assertEquals(
                    lastAck.get(shared + " " + writer),
                    last.get("seq"),
                    "the shared session holds a writer's last save");
            assertTrue(Fixture.names(dir).stream().noneMatch(n -> n.contains(".tmp-") || n.contains(".del-")));
        });
    }

    /**
     * One JVM updates sessions while another deletes them: as soon as the updater acknowledges its
     * first update of a key, the test hands that key to the deleter, which deletes it within 2 ms
     * while the updater keeps updating it. Every save is an update, and an update of
     * a missing file must fail, so once a delete has returned no save may bring the file back: every
     * key the deleter reports as deleted must be gone at the end, whatever the timing. The updater
     * sleeps at random right before each rename, so a delete that is not excluded across processes
     * lands in that window in many of the races. The control key (updated throughout, never deleted)
     * must hold the updater's last acknowledged save.
     */
    @Test
    void anUpdaterAndADeleterInTwoProcesses_neverBringADeletedSessionBack() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            FileSessionEngine engine = FileEngineWorker.engine(dir.toString());
            String control = SessionKeys.generate();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                keys.add(SessionKeys.generate());
            }
            for (String key : concat(List.of(control), keys)) {
                engine.save(
                        key,
                        SessionRecord.of(engine.codec().encode(FileEngineWorker.small("init", 0)), null),
                        SaveMode.CREATE);
            }
            List<String> updaterArgs = new ArrayList<>(List.of("update-race", dir.toString(), "200", control));
            updaterArgs.addAll(keys);
            Process updater = worker(updaterArgs.toArray(String[]::new));
            Process deleter = worker("delete-race", dir.toString());
            java.io.OutputStream toDeleter = deleter.getOutputStream();
            Map<String, Long> lastAck = new ConcurrentHashMap<>();
            List<String> deleted = new CopyOnWriteArrayList<>();
            List<String> gone = new CopyOnWriteArrayList<>();
            List<String> capped = new CopyOnWriteArrayList<>();
            AtomicLong acks = new AtomicLong();
            CountDownLatch ready = new CountDownLatch(2);
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (Process proc : List.of(updater, deleter)) {
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(proc.getInputStream(), StandardCharsets.US_ASCII))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            String[] parts = line.split(" ");
                            switch (parts[0]) {
                                case "ready" -> ready.countDown();
                                case "ack" -> {
                                    acks.incrementAndGet();
                                    lastAck.merge(parts[1], Long.parseLong(parts[3]), Math::max);
                                    if (parts[3].equals("1") && !parts[1].equals(control)) {
                                        synchronized (toDeleter) {
                                            toDeleter.write((parts[1] + "\n").getBytes(StandardCharsets.US_ASCII));
                                            toDeleter.flush();
                                        }
                                    }
                                }
                                case "deleted" -> deleted.add(parts[1]);
                                case "gone" -> gone.add(parts[1]);
                                case "capped" -> capped.add(parts[1]);
                                default -> {}
                            }
                        }
                    } catch (IOException e) {
                        unexpected.add(e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            assertTrue(ready.await(60, java.util.concurrent.TimeUnit.SECONDS), "both workers started");
            updater.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
            updater.getOutputStream().flush();
            assertEquals(0, updater.waitFor(), "updater exit status");
            readers.get(0).join();
            synchronized (toDeleter) {
                toDeleter.close();
            }
            assertEquals(0, deleter.waitFor(), "deleter exit status");
            for (Thread reader : readers) {
                reader.join();
            }
            assertEquals(List.of(), unexpected);
            assertEquals(Set.copyOf(keys), Set.copyOf(deleted), "the deleter deleted every key");
            List<String> back = keys.stream().filter(engine::exists).toList();
            System.out.printf(
                    "two-JVM update/delete race: %d keys deleted while updated, %d acknowledged updates,"
                            + " %d updates refused as gone, %d keys still updatable after %d updates,"
                            + " %d deleted sessions came back%n",
                    keys.size(), acks.get(), gone.size(), capped.size(), 200, back.size());
            assertEquals(0, back.size(), back.size() + " of " + keys.size() + " deleted sessions came back");
            assertEquals(lastAck.get(control), decode(engine, control).get("seq"), "the control key's last save");
        });
    }

    private static Map<String, Object> decode(FileSessionEngine engine, String key) throws IOException {
        return engine.codec()
                .decode(Files.readString(engine.fileOf(key), StandardCharsets.US_ASCII))
                .data();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static Process worker(String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                classPath,
                FileEngineWorker.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
