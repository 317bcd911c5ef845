package dev.satchel.bench;

import java.util.Map;
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

/** Spring Session doing what {@link SessionBenchmark} does, on the same payloads. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PeerBenchmark {
    @Param
    public PeerType peer;

    @Param({"MEDIUM"})
    public Payload payload;

    PeerType.Peer repo;
    Map<String, Object> data;
    String[] ids;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        repo = peer.open(null);
        data = payload.data();
        ids = new String[SessionBenchmark.PER_THREAD * SessionBenchmark.MAX_THREADS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = repo.create(data);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        repo.close();
    }

    /** A thread's slice of the stored sessions. */
    @State(Scope.Thread)
    public static class Worker {
        int base;
        int next;
        long counter;
        org.springframework.session.Session held;

        @Setup(Level.Trial)
        public void open(PeerBenchmark b) {
            base = (b.threads.getAndIncrement() % SessionBenchmark.MAX_THREADS) * SessionBenchmark.PER_THREAD;
            held = b.repo.find(b.ids[base]);
        }

        int index() {
            int i = base + next;
            next = (next + 1) % SessionBenchmark.PER_THREAD;
            return i;
        }
    }

    @Benchmark
    public int load(Worker w) {
        return repo.load(ids[w.index()]);
    }

    @Benchmark
    public Object save(Worker w) {
        repo.save(w.held, ++w.counter);
        return w.held;
    }

    @Benchmark
    public String create() {
        return repo.create(data);
    }

    @Benchmark
    public String cycle(Worker w) {
        return repo.cycle(ids[w.index()], ++w.counter);
    }
}
