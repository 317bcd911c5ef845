package dev.satchel.spi;

import java.util.Set;

/**
 * Makes one kind of engine, found by name through {@link java.util.ServiceLoader}. Register an
 * implementation in {@code META-INF/services/dev.satchel.spi.SessionEngineProvider}.
 */
public interface SessionEngineProvider {

    /** The stable name used in settings, for example {@code db} or {@code signed_cookies}. */
    String name();

    /** Other names that select this engine, typically Django's dotted engine module names. */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Builds a ready engine from the context's settings.
     *
     * @throws dev.satchel.SessionConfigurationException if the engine's settings are invalid
     */
    SessionEngine create(EngineContext context);
}
