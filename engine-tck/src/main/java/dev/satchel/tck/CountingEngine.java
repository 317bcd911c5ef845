package dev.satchel.tck;

import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to the engine under test and counts loads and saves, so laziness is provable. */
final class CountingEngine extends ForwardingSessionEngine {
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger saves = new AtomicInteger();

    CountingEngine(SessionEngine delegate) {
        super(delegate);
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        loads.incrementAndGet();
        return delegate.load(key);
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        saves.incrementAndGet();
        return delegate.save(key, record, mode);
    }
}
