package dev.satchel.db;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.util.Set;

/** Registers the {@code db} engine, also under Django's {@code django.contrib.sessions.backends.db}. */
public final class DbSessionEngineProvider implements SessionEngineProvider {
    /** Django's dotted name for this engine. */
    public static final String DJANGO_NAME = "django.contrib.sessions.backends.db";

    @Override
    public String name() {
        return DbSessionEngine.NAME;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(DJANGO_NAME);
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return DbSessionEngine.create(context);
    }
}
