package dev.satchel.cookie;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;
import java.util.Set;

/**
 * Registers {@link SignedCookieEngine} as {@code signed_cookies}, with Django's {@code
 * django.contrib.sessions.backends.signed_cookies} as an alias.
 */
public final class SignedCookieEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return SignedCookieEngine.NAME;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(SignedCookieEngine.DJANGO_NAME);
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return new SignedCookieEngine(context);
    }
}
