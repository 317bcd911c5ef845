package dev.satchel.bench;

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
 * One side alone, for what a ratio cannot show: the latency distribution of each operation (JMH
 * {@code SampleTime}: p50, p99, p99.9) and, with JMH's GC profiler, the bytes it allocates.
 * {@code side} is {@code SATCHEL}, {@code FLOOR} or a {@link PeerType} name.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SoloBenchmark {
    @Param
    public EngineType engine;

    @Param({"MEDIUM"})
    public Payload payload;

    @Param({"CYCLE"})
    public Operation operation;

    @Param({"SATCHEL"})
    public String side;

    Contender satchel;
    Contender measured;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        Fixture fixture = engine.open(false);
        satchel = new SatchelContender(fixture);
        measured = side.equals("SATCHEL") ? satchel : Opponents.open(side, fixture);
        measured.prepare(payload.data(), PairedBenchmark.PER_THREAD * PairedBenchmark.MAX_THREADS);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (measured != satchel) {
            measured.close();
        }
        satchel.close();
    }

    /** A thread's own slots. */
    @State(Scope.Thread)
    public static class Worker {
        int base;
        int next;
        long counter;

        @Setup(Level.Trial)
        public void open(SoloBenchmark b) {
            base = (b.threads.getAndIncrement() % PairedBenchmark.MAX_THREADS) * PairedBenchmark.PER_THREAD;
        }

        int slot() {
            int i = base + next;
            next = (next + 1) % PairedBenchmark.PER_THREAD;
            return i;
        }
    }

    @Benchmark
    public Object run(Worker w) {
        return operation.apply(measured, w.slot(), ++w.counter);
    }
}
