package dev.satchel.cookie;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionEngineProvider;

/** Registers {@link EncryptedCookieEngine} as {@code encrypted_cookies}. */
public final class EncryptedCookieEngineProvider implements SessionEngineProvider {
    @Override
    public String name() {
        return EncryptedCookieEngine.NAME;
    }

    @Override
    public SessionEngine create(EngineContext context) {
        return new EncryptedCookieEngine(context);
    }
}
