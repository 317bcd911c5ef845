package dev.satchel.bench;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import java.time.Instant;
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

/**
 * The four session operations through Satchel, and the same four on the engine's floor (the raw
 * store with the same client and bytes). Each thread works on its own slice of pre-stored sessions,
 * so threads never contend on one record.
 *
 * <ul>
 *   <li>{@code load}: read an existing session (the first access loads and decodes it);
 *   <li>{@code save}: save an already loaded session after changing one key;
 *   <li>{@code create}: store a new session under a fresh key;
 *   <li>{@code cycle}: a request: load, change one key, save.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionBenchmark {
    /** Sessions stored per thread slice. */
    static final int PER_THREAD = 16;
    /** The most threads any run uses. */
    static final int MAX_THREADS = 4;

    @Param
    public EngineType engine;

    @Param({"MEDIUM"})
    public Payload payload;

    Fixture fixture;
    SessionManager manager;
    Floor floor;
    Map<String, Object> data;
    String encoded;
    /** Encodings of the session with a changing counter: floors write new bytes each time, as Satchel does. */
    String[] variants;

    Instant expiry;
    String[] keys;
    String[] floorKeys;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        if (!engine.holds(payload)) {
            throw new IllegalStateException(engine + " cannot hold the " + payload + " payload (4 KB cookie limit)");
        }
        fixture = engine.open(false);
        manager = fixture.manager();
        floor = fixture.floor();
        data = payload.data();
        encoded = fixture.encode(data);
        // 17 variants against 16 sessions per thread: a session never gets the bytes it already holds
        // (a database would skip an update that changes nothing, which Satchel's save never is).
        variants = new String[PER_THREAD + 1];
        for (int i = 0; i < variants.length; i++) {
            Map<String, Object> changed = payload.data();
            changed.put("bench_counter", (long) i);
            variants[i] = fixture.encode(changed);
        }
        expiry = fixture.expiry();
        keys = new String[PER_THREAD * MAX_THREADS];
        floorKeys = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = fixture.seed(data);
            floorKeys[i] = floor.create(data, encoded, expiry);
        }
    }

    String variant(long counter) {
        return variants[(int) (counter % variants.length)];
    }

    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
    }

    /** A thread's slice of the stored sessions, and the session it keeps loaded for {@code save}. */
    @State(Scope.Thread)
    public static class Worker {
        int base;
        int next;
        long counter;
        Session held;
        String floorHeld;

        @Setup(Level.Trial)
        public void open(SessionBenchmark b) {
            int slice = b.threads.getAndIncrement() % MAX_THREADS;
            base = slice * PER_THREAD;
            held = b.manager.session(b.keys[base]);
            held.size(); // loads it
            floorHeld = b.floorKeys[base];
        }

        int index() {
            int i = base + next;
            next = (next + 1) % PER_THREAD;
            return i;
        }
    }

    @Benchmark
    public int load(Worker w) {
        return manager.session(keys[w.index()]).size();
    }

    @Benchmark
    public String save(Worker w) {
        w.held.put("bench_counter", ++w.counter);
        w.held.save();
        return w.held.getSessionKey();
    }

    @Benchmark
    public String create() {
        Session s = manager.newSession();
        s.putAll(data);
        s.save();
        return s.getSessionKey();
    }

    @Benchmark
    public String cycle(Worker w) {
        Session s = manager.session(keys[w.index()]);
        s.put("bench_counter", ++w.counter);
        s.save();
        return s.getSessionKey();
    }

    @Benchmark
    public Object floorLoad(Worker w) {
        return floor.load(floorKeys[w.index()]);
    }

    @Benchmark
    public String floorSave(Worker w) {
        w.floorHeld = floor.save(w.floorHeld, data, variant(++w.counter), expiry);
        return w.floorHeld;
    }

    @Benchmark
    public String floorCreate() {
        return floor.create(data, encoded, expiry);
    }

    /** The codec alone, decoding the stored bytes: what every load must do besides the I/O. */
    @Benchmark
    public Object codecLoad() {
        return manager.engine().codec().decode(encoded);
    }

    /** The codec alone, encoding the session: what every save must do besides the I/O. */
    @Benchmark
    public String codecSave() {
        return manager.engine().codec().encode(data);
    }

    @Benchmark
    public String floorCycle(Worker w) {
        int i = w.index();
        floor.load(floorKeys[i]);
        return floor.save(floorKeys[i], data, variant(++w.counter), expiry);
    }
}
