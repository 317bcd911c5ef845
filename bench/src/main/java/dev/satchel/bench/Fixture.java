package dev.satchel.bench;

import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.spi.SessionEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An open engine with its floor, and what must be undone when the benchmark ends. */
public final class Fixture implements AutoCloseable {
    private final EngineType type;
    private final SessionManager manager;
    private final Floor floor;
    private final Map<String, Floor> extraFloors;
    private final EngineType.Env env;
    private final List<Runnable> cleanups = new ArrayList<>();

    Fixture(EngineType type, SessionManager manager, Floor floor, EngineType.Env env) {
        this(type, manager, floor, Map.of(), env);
    }

    Fixture(EngineType type, SessionManager manager, Floor floor, Map<String, Floor> extraFloors, EngineType.Env env) {
        this.type = type;
        this.manager = manager;
        this.floor = floor;
        this.extraFloors = Map.copyOf(extraFloors);
        this.env = env;
    }

    void onClose(Runnable cleanup) {
        cleanups.add(cleanup);
    }

    public EngineType type() {
        return type;
    }

    public SessionManager manager() {
        return manager;
    }

    /**
     * Another manager on this fixture's engine (same store, same records, same clock) whose sessions
     * resolve conflicting saves with {@code policy}. It is closed with the fixture: do not close it.
     */
    public SessionManager manager(ConflictPolicy policy) {
        SessionEngine shared = manager.engine();
        return SessionManager.builder(
                        manager.settings().toBuilder().conflictPolicy(policy).build())
                .clock(env.clock)
                .engine(ctx -> shared)
                .build();
    }

    /** The primary floor: the least the engine's store and format cost ({@code against = "FLOOR"}). */
    public Floor floor() {
        return floor;
    }

    /**
     * Further floors by name ({@code against = "FLOOR:<name>"}), described by {@link
     * EngineType#extraFloors()}; closed with the fixture. Empty for most engines.
     */
    public Map<String, Floor> extraFloors() {
        return extraFloors;
    }

    /** The temporary directory of this fixture (deleted on close). */
    public Path directory() {
        return env.dir;
    }

    /** The clock the engine runs on (the expiry benchmark moves it forward). */
    public BenchClock clock() {
        return env.clock;
    }

    /** JDBC statements the engine ran so far (only when opened with counting). */
    public long engineStatements() {
        return env.engineStatements.count();
    }

    /** JDBC statements the floor ran so far (only when opened with counting). */
    public long floorStatements() {
        return env.floorStatements.count();
    }

    /** Stores {@code data} as a new session through the engine and returns its key (or cookie). */
    public String seed(Map<String, Object> data) {
        Session s = manager.newSession();
        s.putAll(data);
        s.save();
        return s.getSessionKey();
    }

    /** The engine's encoding of {@code data}: the bytes the floors store. */
    public String encode(Map<String, Object> data) {
        return manager.engine().codec().encode(data);
    }

    /** When a record written now expires. */
    public Instant expiry() {
        return manager.clock().instant().plus(manager.settings().cookieAge());
    }

    @Override
    public void close() {
        try {
            floor.close();
            extraFloors.values().forEach(Floor::close);
        } finally {
            try {
                manager.close();
            } finally {
                for (Runnable r : cleanups) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        System.err.println("cleanup of " + type + " failed: " + e);
                    }
                }
                env.deleteDirectory();
            }
        }
    }
}
