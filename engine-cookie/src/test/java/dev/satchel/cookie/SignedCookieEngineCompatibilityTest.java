package dev.satchel.cookie;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;

/**
 * The conformance kit over {@code signed_cookies}. The kit itself skips, with its reason, the cases
 * that need server-side records (creating, finding, conflicting on and deleting a record, key
 * generation, clearExpired, concurrent creates), because this engine declares it stores none.
 */
class SignedCookieEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return new SignedCookieEngine(context);
    }
}
