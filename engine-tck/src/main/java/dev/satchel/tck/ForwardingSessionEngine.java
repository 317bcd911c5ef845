package dev.satchel.tck;

import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * An engine that passes every call to another one, for wrappers that change one thing (count calls,
 * share an engine without closing it, hide a capability) and forward the rest.
 */
public abstract class ForwardingSessionEngine implements SessionEngine {
    /** The engine every call goes to. */
    protected final SessionEngine delegate;

    protected ForwardingSessionEngine(SessionEngine delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
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
        return delegate.load(key);
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
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
