package dev.satchel.cache;

import dev.satchel.SessionSettings;
import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** The kit against the shared Redis server with values in Django's pickle format ({@code django-pickle}). */
class RedisPickleCacheEngineCompatibilityTest extends RealTimeCacheKit {
    @BeforeAll
    static void requireServer() {
        Servers.require("Redis", Servers.REDIS_URL);
    }

    @Override
    protected String url() {
        return Servers.REDIS_URL;
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engineProperty(CacheSettings.VALUE_FORMAT, "django-pickle");
    }
}
