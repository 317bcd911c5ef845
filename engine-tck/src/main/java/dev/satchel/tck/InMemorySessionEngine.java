package dev.satchel.tck;

import dev.satchel.CreateException;
import dev.satchel.UpdateException;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The smallest complete engine: records in a concurrent map. It is the reference the conformance kit
 * is checked against and a readable example for engine authors; it forgets everything on restart,
 * so do not use it in production.
 */
public final class InMemorySessionEngine implements SessionEngine {
    /** The name this engine is registered under. */
    public static final String NAME = "memory";

    private final Map<String, SessionRecord> records = new ConcurrentHashMap<>();
    private final SessionCodec codec;
    private final Clock clock;

    /** An engine using the context's codec and clock. */
    public InMemorySessionEngine(EngineContext context) {
        this.codec = context.codec();
        this.clock = context.clock();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionCodec codec() {
        return codec;
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        SessionRecord r = records.get(key);
        if (r == null || !r.expiry().isAfter(clock.instant())) {
            return Optional.empty();
        }
        // The data itself is the version: a conditional save compares it.
        return Optional.of(new SessionRecord(r.data(), r.expiry(), r.data()));
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        SessionRecord stored = SessionRecord.of(record.data(), record.expiry());
        if (mode == SaveMode.CREATE) {
            if (records.putIfAbsent(key, stored) != null) {
                throw new CreateException("session key already exists");
            }
        } else if (records.replace(key, stored) == null) {
            throw new UpdateException("session record no longer exists");
        }
        return key;
    }

    @Override
    public boolean exists(String key) {
        return records.containsKey(key);
    }

    @Override
    public void delete(String key) {
        records.remove(key);
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return Optional.of((key, record, expectedVersion) -> {
            boolean[] replaced = {false};
            records.computeIfPresent(key, (k, current) -> {
                if (current.data().equals(expectedVersion)) {
                    replaced[0] = true;
                    return SessionRecord.of(record.data(), record.expiry());
                }
                return current;
            });
            if (!replaced[0]) {
                throw new UpdateException("session record changed or vanished since it was loaded");
            }
            return key;
        });
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return Optional.of(() -> {
            long removed = 0;
            for (Map.Entry<String, SessionRecord> e : records.entrySet()) {
                if (!e.getValue().expiry().isAfter(clock.instant()) && records.remove(e.getKey(), e.getValue())) {
                    removed++;
                }
            }
            return removed;
        });
    }

    /** How many records are held, expired or not (for tests). */
    public int size() {
        return records.size();
    }
}
