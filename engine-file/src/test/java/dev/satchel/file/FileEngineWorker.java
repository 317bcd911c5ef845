package dev.satchel.file;

import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionConflictException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.file.internal.SessionDirectory;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A child process for the crash and multi-process tests. Prints one line per acknowledged save
 * ({@code ack <key> <writer> <seq>}) after the save returned.
 *
 * <ul>
 *   <li>{@code crash <dir> <key>}: saves ever larger sequence numbers of a large session until killed;
 *   <li>{@code hammer <dir> <writer> <iterations> <key>...}: saves each key in turn, iterations times;
 *   <li>{@code update-race <dir> <cap> <control> <key>...}: prints {@code ready}; after a {@code go} line on stdin, two threads
 *       take the keys in turn (even and odd positions) and update each until an update fails ({@code
 *       gone <key>}) or {@code cap} updates succeeded ({@code capped <key>}), then update {@code
 *       control} once; the pause seam sleeps at random right before each rename, widening the
 *       window a delete could slip into;
 *   <li>{@code parallel-requests <dir> <writer> <rounds> <policy> <key>}: prints {@code ready}; after
 *       a {@code go} line on stdin, plays {@code rounds} requests of one user through a session
 *       manager with conflict policy {@code policy}: load session {@code key}, check that key {@code
 *       writer} still holds this process's last acknowledged value (else counts a lost update), put
 *       the round number under {@code writer}, save; prints {@code ack <key> <writer> <round>} after
 *       each save that returned, {@code conflict <round>} for a {@link SessionConflictException},
 *       then {@code lost <n>} and {@code counts <conflict counts>}; stops early after {@link
 *       #PARALLEL_TIME_LIMIT};
 *   <li>{@code delete-race <dir>}: reads keys from stdin, one a line, and deletes each after a random
 *       gap of up to 2 ms, printing {@code deleted <key>} once the delete returned; {@code done} at the
 *       end of the input.
 * </ul>
 */
public final class FileEngineWorker {
    /** How long {@code parallel-requests} may run, whatever the number of rounds. */
    static final java.time.Duration PARALLEL_TIME_LIMIT = java.time.Duration.ofSeconds(8);

    private FileEngineWorker() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        FileSessionEngine engine = engine(args[1]);
        if (args[0].equals("crash")) {
            String key = args[2];
            for (long seq = 1; ; seq++) {
                engine.save(key, SessionRecord.of(engine.codec().encode(big(seq)), null), SaveMode.UPDATE);
                out.println("ack " + key + " crash " + seq);
            }
        }
        if (args[0].equals("update-race")) {
            updateRace(engine, out, Integer.parseInt(args[2]), args[3], Arrays.copyOfRange(args, 4, args.length));
        }
        if (args[0].equals("parallel-requests")) {
            parallelRequests(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], out);
        }
        if (args[0].equals("delete-race")) {
            deleteRace(engine, out);
        }
        String writer = args[2];
        int iterations = Integer.parseInt(args[3]);
        for (int i = 1; i <= iterations; i++) {
            for (int k = 4; k < args.length; k++) {
                try {
                    engine.save(
                            args[k], SessionRecord.of(engine.codec().encode(small(writer, i)), null), SaveMode.UPDATE);
                    out.println("ack " + args[k] + " " + writer + " " + i);
                } catch (UpdateException | SessionStoreUnavailableException e) {
                    out.println("defined " + e.getClass().getSimpleName());
                }
            }
        }
        out.println("done");
        System.exit(0);
    }

    private static void updateRace(FileSessionEngine engine, PrintStream out, int cap, String control, String[] keys) {
        engine.pauseAt(point -> {
            if (point.equals(SessionDirectory.Pause.REPLACE)
                    && ThreadLocalRandom.current().nextBoolean()) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000));
            }
        });
        awaitGo(out);
        AtomicLong controlSeq = new AtomicLong();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            int first = t;
            threads[t] = new Thread(() -> {
                for (int k = first; k < keys.length; k += threads.length) {
                    String key = keys[k];
                    boolean gone = false;
                    for (int seq = 1; seq <= cap && !gone; seq++) {
                        try {
                            engine.save(
                                    key,
                                    SessionRecord.of(engine.codec().encode(small("u", seq)), null),
                                    SaveMode.UPDATE);
                            out.println("ack " + key + " u " + seq);
                        } catch (UpdateException e) {
                            gone = true;
                        }
                    }
                    out.println((gone ? "gone " : "capped ") + key);
                    synchronized (controlSeq) {
                        long seq = controlSeq.incrementAndGet();
                        engine.save(
                                control,
                                SessionRecord.of(engine.codec().encode(small("u", seq)), null),
                                SaveMode.UPDATE);
                        out.println("ack " + control + " u " + seq);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                System.exit(3);
            }
        }
        out.println("done");
        System.exit(0);
    }

    private static void parallelRequests(
            String dir, String writer, int rounds, String policy, String key, PrintStream out) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey(Fixture.SECRET)
                .engineProperty(FileSessionEngine.PATH, dir)
                .conflictPolicy(ConflictPolicy.fromName(policy))
                .build();
        try (SessionManager manager =
                SessionManager.builder(settings).engine(FileSessionEngine::new).build()) {
            awaitGo(out);
            long last = -1;
            int lost = 0;
            long deadline = System.nanoTime() + PARALLEL_TIME_LIMIT.toNanos();
            for (long round = 0; round < rounds && System.nanoTime() < deadline; round++) {
                Session session = manager.session(key);
                Object seen = session.get(writer);
                if (last >= 0 && !Long.valueOf(last).equals(seen)) {
                    lost++;
                }
                session.put(writer, round);
                // The request's own work between load and save, so that the two processes overlap.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000));
                try {
                    session.save();
                    last = round;
                    out.println("ack " + key + " " + writer + " " + round);
                } catch (SessionConflictException e) {
                    out.println("conflict " + round);
                }
            }
            out.println("lost " + lost);
            out.println("counts " + manager.conflictCounts());
        }
        out.println("done");
        System.exit(0);
    }

    private static void deleteRace(FileSessionEngine engine, PrintStream out) {
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try {
            for (String key; (key = in.readLine()) != null; ) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
                engine.delete(key);
                out.println("deleted " + key);
            }
        } catch (IOException e) {
            System.exit(2);
        }
        out.println("done");
        System.exit(0);
    }

    private static void awaitGo(PrintStream out) {
        out.println("ready");
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            if (!"go".equals(line)) {
                System.exit(2);
            }
        } catch (IOException e) {
            System.exit(2);
        }
    }

    static FileSessionEngine engine(String dir) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey(Fixture.SECRET)
                .engineProperty(FileSessionEngine.PATH, dir)
                .build();
        return new FileSessionEngine(EngineContext.of(settings, Clock.systemUTC()));
    }

    /** About 600 KB of incompressible text, determined by {@code seq}. */
    static Map<String, Object> big(long seq) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", seq);
        data.put("blob", blob(seq));
        return data;
    }

    static String blob(long seq) {
        byte[] bytes = new byte[450_000];
        new Random(seq).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Map<String, Object> small(String writer, long seq) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("writer", writer);
        data.put("seq", seq);
        return data;
    }
}
