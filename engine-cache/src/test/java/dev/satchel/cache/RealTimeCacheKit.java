package dev.satchel.cache;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import java.time.Duration;
import java.util.UUID;

/**
 * The kit against a networked store whose time to live runs in real time: {@link #advance} also
 * sleeps. Every run uses its own key prefix, so parallel runs on the shared server never collide.
 */
abstract class RealTimeCacheKit extends SessionEngineCompatibilityKit {
    private static final String RUN_PREFIX =
            "tck-" + UUID.randomUUID().toString().substring(0, 8);

    /** The store URL. */
    protected abstract String url();

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engine("cache")
                .engineProperty(CacheSettings.URL, url())
                .engineProperty(CacheSettings.KEY_PREFIX, RUN_PREFIX);
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CacheSessionEngine.create(context);
    }

    @Override
    protected void advance(Duration duration) {
        super.advance(duration);
        LocalServer.sleep(duration.toMillis());
    }
}
