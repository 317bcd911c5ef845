package dev.satchel.cache;

import dev.satchel.SessionSettings;
import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** The kit against the shared memcached server with values in Django's pickle format ({@code django-pickle}). */
class MemcachedPickleCacheEngineCompatibilityTest extends RealTimeCacheKit {
    @BeforeAll
    static void requireServer() {
        Servers.require("memcached", Servers.MEMCACHED_URL);
    }

    @Override
    protected String url() {
        return Servers.MEMCACHED_URL;
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engineProperty(CacheSettings.VALUE_FORMAT, "django-pickle");
    }
}
