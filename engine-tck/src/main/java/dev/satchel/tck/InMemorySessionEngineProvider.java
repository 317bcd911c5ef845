package dev.satchel.tck;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;

/** Registers {@link InMemorySessionEngine} under the name {@code memory}. */
public final class InMemorySessionEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return InMemorySessionEngine.NAME;
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return new InMemorySessionEngine(context);
    }
}
