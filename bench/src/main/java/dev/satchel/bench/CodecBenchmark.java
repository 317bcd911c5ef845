package dev.satchel.bench;

import dev.satchel.SessionManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Django's session format alone (sign, compress, serialize, and the reverse) on the engine's codec:
 * what every load and save pays besides the I/O, measured apart so the report can show it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
    @Param
    public EngineType engine;

    @Param({"MEDIUM"})
    public Payload payload;

    Fixture fixture;
    SessionManager manager;
    Map<String, Object> data;
    String encoded;

    @Setup(Level.Trial)
    public void open() {
        fixture = engine.open(false);
        manager = fixture.manager();
        data = payload.data();
        encoded = fixture.encode(data);
    }

    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
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
}
