package dev.satchel.cache;

import dev.satchel.SessionSettings;
import dev.satchel.cache.internal.CaffeineStore;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import java.util.OptionalLong;

/** The kit against the embedded Caffeine store; expiry follows the kit's clock, so nothing sleeps. */
class CaffeineCacheEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    private CacheSessionEngine engine;

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engine("cache").engineProperty(CacheSettings.URL, "caffeine:");
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        engine = CacheSessionEngine.create(context);
        return engine;
    }

    @Override
    protected OptionalLong recordCount() {
        return OptionalLong.of(((CaffeineStore) engine.store()).size());
    }
}
