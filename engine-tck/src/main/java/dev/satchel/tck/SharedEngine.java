package dev.satchel.tck;

import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;

/** An engine lent to a second manager of the kit: every call goes to the owner's engine; close does nothing. */
final class SharedEngine implements SessionEngine {
    private final SessionEngine owner;

    SharedEngine(SessionEngine owner) {
        this.owner = owner;
    }

    @Override
    public String name() {
        return owner.name();
    }

    @Override
    public SessionCodec codec() {
        return owner.codec();
    }

    @Override
    public boolean storesRecords() {
        return owner.storesRecords();
    }

    @Override
    public boolean acceptsKey(String key) {
        return owner.acceptsKey(key);
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        return owner.load(key);
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        return owner.save(key, record, mode);
    }

    @Override
    public boolean exists(String key) {
        return owner.exists(key);
    }

    @Override
    public void delete(String key) {
        owner.delete(key);
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return owner.conditionalSave();
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return owner.sweeper();
    }

    @Override
    public void close() {
        // The owner's manager closes the engine.
    }
}
