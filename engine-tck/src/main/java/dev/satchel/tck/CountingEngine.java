package dev.satchel.tck;

import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to the engine under test and counts loads and saves, so laziness is provable. */
final class CountingEngine implements SessionEngine {
    final SessionEngine delegate;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger saves = new AtomicInteger();

    CountingEngine(SessionEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public SessionCodec codec() {
        return delegate.codec();
    }

    @Override
    public boolean storesRecords() {
        return delegate.storesRecords();
    }

    @Override
    public boolean acceptsKey(String key) {
        return delegate.acceptsKey(key);
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

    @Override
    public boolean exists(String key) {
        return delegate.exists(key);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return delegate.conditionalSave();
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return delegate.sweeper();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
