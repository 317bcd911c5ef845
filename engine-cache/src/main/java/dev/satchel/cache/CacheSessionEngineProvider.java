package dev.satchel.cache;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.util.Set;

/** Registers {@link CacheSessionEngine} as {@code cache} and as Django's dotted engine name. */
public final class CacheSessionEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return CacheSessionEngine.NAME;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(CacheSessionEngine.DJANGO_NAME);
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return CacheSessionEngine.create(context);
    }
}
