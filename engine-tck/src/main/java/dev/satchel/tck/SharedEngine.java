package dev.satchel.tck;

import dev.satchel.spi.SessionEngine;

/** An engine lent to a second manager of the kit: every call goes to the owner's engine; close does nothing. */
final class SharedEngine extends ForwardingSessionEngine {

    SharedEngine(SessionEngine owner) {
        super(owner);
    }

    @Override
    public void close() {
        // The owner's manager closes the engine.
    }
}
