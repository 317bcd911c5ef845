package dev.satchel;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.time.Clock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The entry point: holds the settings, the clock and one engine, and hands out a {@link Session} per
 * request. Thread-safe; make one per application and close it on shutdown to release the engine's
 * connections.
 *
 * <pre>{@code
 * SessionSettings settings = SessionSettings.builder().secretKey(secret).engine("db").build();
 * try (SessionManager sessions = SessionManager.open(settings)) {
 *     Session session = sessions.session(cookieValue); // no I/O yet
 *     session.put("num_visits", 1);
 *     session.save();
 * }
 * }</pre>
 */
public final class SessionManager implements AutoCloseable {
    private final SessionSettings settings;
    private final Clock clock;
    private final SessionEngine engine;
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder merged = new LongAdder();
    private final LongAdder keysOverwritten = new LongAdder();
    private final LongAdder failedSaves = new LongAdder();

    private SessionManager(SessionSettings settings, Clock clock, SessionEngine engine) {
        this.settings = settings;
        this.clock = clock;
        this.engine = engine;
    }

    /** Opens the engine named in the settings, found through {@link SessionEngines}. */
    public static SessionManager open(SessionSettings settings) {
        return builder(settings).build();
    }

    /** A builder, to choose the clock or pass an engine explicitly. */
    public static Builder builder(SessionSettings settings) {
        return new Builder(settings);
    }

    /**
     * The session of a request, given its cookie value ({@code null} when the request had none). No
     * I/O happens until the session is first accessed.
     */
    public Session session(String sessionKey) {
        return new Session(this, sessionKey);
    }

    /** A new, empty session with no key. */
    public Session newSession() {
        return new Session(this, null);
    }

    /**
     * Deletes expired records, like Django's {@code clearsessions}.
     *
     * @return how many were removed, or empty if the engine's store expires sessions by itself
     */
    public OptionalLong clearExpired() {
        return engine.sweeper().map(s -> OptionalLong.of(s.clearExpired())).orElse(OptionalLong.empty());
    }

    /** The settings in force. */
    public SessionSettings settings() {
        return settings;
    }

    /** The clock every expiry is computed with. */
    public Clock clock() {
        return clock;
    }

    /** The engine behind the sessions. */
    public SessionEngine engine() {
        return engine;
    }

    /** What concurrent saves of the same sessions have cost since this manager opened. */
    public ConflictCounts conflictCounts() {
        return new ConflictCounts(conflicts.sum(), merged.sum(), keysOverwritten.sum(), failedSaves.sum());
    }

    void countConflict() {
        conflicts.increment();
    }

    void countMerge(int overwrittenKeys) {
        merged.increment();
        keysOverwritten.add(overwrittenKeys);
    }

    void countFailedSave() {
        failedSaves.increment();
    }

    /** Closes the engine. */
    @Override
    public void close() {
        engine.close();
    }

    /** Builds a {@link SessionManager}. */
    public static final class Builder {
        private final SessionSettings settings;
        private Clock clock = Clock.systemUTC();
        private Function<EngineContext, SessionEngine> engineFactory;
        private ClassLoader classLoader;

        private Builder(SessionSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** The clock (default: the system clock in UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Uses this provider instead of looking the engine up by name. */
        public Builder engine(SessionEngineProvider provider) {
            Objects.requireNonNull(provider, "provider");
            this.engineFactory = provider::create;
            return this;
        }

        /** Uses the engine this function builds instead of looking it up by name. */
        public Builder engine(Function<EngineContext, SessionEngine> factory) {
            this.engineFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Where to look for engine providers (default: this library's class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** Builds the engine and the manager. */
        public SessionManager build() {
            EngineContext context = EngineContext.of(settings, clock);
            SessionEngine engine;
            if (engineFactory != null) {
                engine = engineFactory.apply(context);
            } else {
                ClassLoader loader = classLoader != null ? classLoader : SessionManager.class.getClassLoader();
                engine = SessionEngines.find(settings.engine(), loader).create(context);
            }
            return new SessionManager(settings, clock, Objects.requireNonNull(engine, "engine"));
        }
    }
}
