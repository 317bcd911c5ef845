package dev.satchel.file;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.util.Set;

/** Registers {@link FileSessionEngine} as {@code file}, with Django's module name as an alias. */
public final class FileSessionEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return FileSessionEngine.NAME;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(FileSessionEngine.DJANGO_NAME);
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return new FileSessionEngine(context);
    }
}
