package dev.satchel.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of the end-to-end comparison: the app served behind one session filter on one store, and
 * what must be undone when it stops (the server first, then the store's client, then the records).
 */
final class EndToEndSide implements AutoCloseable {
    private final String label;
    private final List<Runnable> cleanups = new ArrayList<>();
    private EndToEndServer server;

    EndToEndSide(String label) {
        this.label = label;
    }

    /** Adds a cleanup; they run in reverse order of registration. */
    EndToEndSide onClose(Runnable cleanup) {
        cleanups.add(0, cleanup);
        return this;
    }

    /** Serves the app behind {@code filter}; closing the side stops it first. */
    EndToEndSide serve(jakarta.servlet.Filter filter) throws Exception {
        server = EndToEndServer.start(filter);
        return this;
    }

    /** How the report names this side. */
    String label() {
        return label;
    }

    /** Where the app answers. */
    URI baseUri() {
        return server.baseUri();
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("stopping the server of " + label + " failed: " + e);
            }
        }
        for (Runnable r : cleanups) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + label + " failed: " + e);
            }
        }
    }
}
