package dev.satchel.db;

import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import dev.satchel.tck.ForwardingSessionEngine;
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
        return new ForwardingSessionEngine(new InMemorySessionEngine(context)) {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Optional<ConditionalSave> conditionalSave() {
                return Optional.empty();
            }

            @Override
            public Optional<ExpiredSessionSweeper> sweeper() {
                return Optional.empty();
            }
        };
    }
}
