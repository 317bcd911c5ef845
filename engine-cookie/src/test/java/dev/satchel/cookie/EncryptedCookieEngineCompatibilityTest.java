package dev.satchel.cookie;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;

/**
 * The conformance kit over {@code encrypted_cookies}; like the signed engine, it keeps no server-side
 * records, so the kit skips the record cases with its reason.
 */
class EncryptedCookieEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return new EncryptedCookieEngine(context);
    }
}
