package dev.satchel.cache;

import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** The kit against the shared memcached server ({@code SATCHEL_MEMCACHED_URL}). */
class MemcachedCacheEngineCompatibilityTest extends RealTimeCacheKit {
    @BeforeAll
    static void requireServer() {
        Servers.require("memcached", Servers.MEMCACHED_URL);
    }

    @Override
    protected String url() {
        return Servers.MEMCACHED_URL;
    }
}
