package dev.satchel.db;

import dev.satchel.codec.SessionCodec;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.InMemorySessionEngine;
import java.util.Optional;

/**
 * A test engine whose store "expires sessions by itself" (it offers no sweeper), so clearsessions'
 * other branch can be exercised; it keeps records in engine-tck's in-memory reference engine.
 */
public final class NoSweeperTestEngineProvider implements SessionEngineProvider {
    static final String NAME = "test_self_expiring";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionEngine create(EngineContext context) {
        InMemorySessionEngine store = new InMemorySessionEngine(context);
        return new SessionEngine() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public SessionCodec codec() {
                return store.codec();
            }

            @Override
            public Optional<SessionRecord> load(String key) {
                return store.load(key);
            }

            @Override
            public String save(String key, SessionRecord record, SaveMode mode) {
                return store.save(key, record, mode);
            }

            @Override
            public boolean exists(String key) {
                return store.exists(key);
            }

            @Override
            public void delete(String key) {
                store.delete(key);
            }
        };
    }
}
