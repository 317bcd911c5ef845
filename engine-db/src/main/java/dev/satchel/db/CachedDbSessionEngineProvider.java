package dev.satchel.db;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.util.Set;

/** Registers {@link CachedDbSessionEngine} as {@code cached_db} and under Django's dotted name. */
public final class CachedDbSessionEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return CachedDbSessionEngine.NAME;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("django.contrib.sessions.backends.cached_db");
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return CachedDbSessionEngine.create(context);
    }
}
