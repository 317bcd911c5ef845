package dev.satchel.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One operation measured on Satchel and on what it is compared with, in alternating iterations of
 * the same JVM ({@link Turns}: ABBA…), so a slow period of the machine hits both sides. The report
 * divides each pair of neighbouring iterations, Satchel's throughput by the other side's, and
 * summarises those ratios by their median and its 95 % interval.
 *
 * <p>{@code against} is {@code FLOOR} (the engine's raw store with the same client and bytes),
 * {@code FLOOR:<name>} (one of the engine's extra floors) or a {@link PeerType} name. Each thread
 * works on its own slots of pre-stored sessions, so threads never contend on one record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedBenchmark {
    /** Sessions stored per thread. */
    static final int PER_THREAD = 16;
    /** The most threads any run uses. */
    static final int MAX_THREADS = 4;
    /** System property naming a file where a failing cell writes its error, for the report. */
    public static final String FAILURES = "satchel.bench.failures";

    @Param
    public EngineType engine;

    @Param({"MEDIUM"})
    public Payload payload;

    @Param({"CYCLE"})
    public Operation operation;

    @Param({"FLOOR"})
    public String against;

    Contender satchel;
    Contender other;
    Contender current;
    int iteration;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        try {
            if (!engine.holds(payload)) {
                throw new IllegalStateException(
                        engine + " cannot hold the " + payload + " payload (4 KB cookie limit)");
            }
            Fixture fixture = engine.open(false);
            satchel = new SatchelContender(fixture);
            other = Opponents.open(against, fixture);
            int slots = PER_THREAD * MAX_THREADS;
            satchel.prepare(payload.data(), slots);
            other.prepare(payload.data(), slots);
            if (engine.writesToDisk()) {
                settleDisk();
            }
        } catch (RuntimeException | Error e) {
            recordFailure(e);
            throw e;
        }
    }

    /**
     * Writes out what earlier cells (or other programs) left dirty in the page cache before a cell
     * whose writes wait for the disk, so a backlog of someone else's writes does not land in this
     * cell's fsyncs: an fsync's cost depends on what the journal holds besides its own file.
     */
    private static void settleDisk() {
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(60, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                throw new IllegalStateException("sync did not return within 60 s");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run sync", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sync", e);
        }
    }

    @Setup(Level.Iteration)
    public void nextTurn() {
        current = Turns.satchel(iteration++) ? satchel : other;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (other != null) {
            other.close();
        }
        if (satchel != null) {
            satchel.close();
        }
    }

    /** A thread's own slots. */
    @State(Scope.Thread)
    public static class Worker {
        int base;
        int next;
        long counter;

        @Setup(Level.Trial)
        public void open(PairedBenchmark b) {
            base = (b.threads.getAndIncrement() % MAX_THREADS) * PER_THREAD;
        }

        int slot() {
            int i = base + next;
            next = (next + 1) % PER_THREAD;
            return i;
        }
    }

    @Benchmark
    public Object pair(Worker w) {
        try {
            return operation.apply(current, w.slot(), ++w.counter);
        } catch (RuntimeException | Error e) {
            recordFailure(e);
            throw e;
        }
    }

    /** The cell's name in failure files and in {@code --only}. */
    String cell() {
        return engine.name() + " " + operation.name() + " " + against + " " + payload.name();
    }

    private void recordFailure(Throwable e) {
        String file = System.getProperty(FAILURES);
        if (file == null) {
            return;
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String first = trace.toString()
                .lines()
                .limit(12)
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
        try {
            Files.writeString(
                    Path.of(file),
                    "=== " + cell() + "\n" + first + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the report then shows the cell as missing without its error
        }
    }
}
