package dev.satchel.cache;

import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** The kit against the shared Redis server ({@code SATCHEL_REDIS_URL}). */
class RedisCacheEngineCompatibilityTest extends RealTimeCacheKit {
    @BeforeAll
    static void requireServer() {
        Servers.require("Redis", Servers.REDIS_URL);
    }

    @Override
    protected String url() {
        return Servers.REDIS_URL;
    }
}
