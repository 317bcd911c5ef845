package dev.satchel.tck;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import java.util.OptionalLong;

/** The kit against the in-memory reference engine: proves the kit passes on a correct engine. */
class InMemoryEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    private InMemorySessionEngine engine;

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        engine = new InMemorySessionEngine(context);
        return engine;
    }

    @Override
    protected OptionalLong recordCount() {
        return OptionalLong.of(engine.size());
    }
}
