package dev.satchel.tck;

import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;

/**
 * The in-memory reference engine with a switch that makes its "store" unreachable, to check the fault
 * kit itself. Honest mode raises {@link SessionStoreUnavailableException} while broken, as an engine
 * must; lying mode does what the defects the kit hunts did: reads nothing, acknowledges writes it
 * dropped, returns from deletes it did not do.
 */
final class BreakableEngine implements SessionEngine {
    private final InMemorySessionEngine store;
    private final boolean lies;
    private volatile boolean broken;

    BreakableEngine(EngineContext context, boolean lies) {
        this.store = new InMemorySessionEngine(context);
        this.lies = lies;
    }

    /** A fault that breaks this engine's store until repaired. */
    StoreFault fault() {
        return StoreFault.of(lies ? "store down (engine lies)" : "store down", () -> {
            broken = true;
            return () -> broken = false;
        });
    }

    private boolean failing() {
        if (broken && !lies) {
            throw new SessionStoreUnavailableException("the test store is down", null);
        }
        return broken;
    }

    @Override
    public String name() {
        return "breakable";
    }

    @Override
    public SessionCodec codec() {
        return store.codec();
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        return failing() ? Optional.empty() : store.load(key);
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        return failing() ? key : store.save(key, record, mode);
    }

    @Override
    public boolean exists(String key) {
        return !failing() && store.exists(key);
    }

    @Override
    public void delete(String key) {
        if (!failing()) {
            store.delete(key);
        }
    }
}
