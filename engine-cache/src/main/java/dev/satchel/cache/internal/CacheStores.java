package dev.satchel.cache.internal;

import dev.satchel.SessionConfigurationException;
import dev.satchel.cache.CacheSettings;
import java.time.Clock;

/** Opens the adapter the URL selects, checking first that its optional client library is present. */
public final class CacheStores {
    private CacheStores() {}

    /**
     * The store for these settings.
     *
     * @throws SessionConfigurationException if the store's client library is not on the class path
     */
    public static CacheStore open(CacheSettings settings, Clock clock) {
        return switch (settings.store()) {
            case CAFFEINE -> new CaffeineStore(settings.caffeineMaximumSize(), settings.maxItemBytes(), clock);
            case REDIS -> {
                require("redis.clients.jedis.JedisPooled", "redis.clients:jedis", "redis:// and rediss://");
                yield new RedisStore(
                        settings.url(),
                        settings.timeout(),
                        settings.poolSize(),
                        settings.maxItemBytes(),
                        settings.tlsTrustStore()
                                .map(path -> TrustStores.socketFactory(path, settings.tlsTrustStorePassword()))
                                .orElse(null));
            }
            case MEMCACHED -> {
                require(
                        "net.rubyeye.xmemcached.XMemcachedClientBuilder",
                        "com.googlecode.xmemcached:xmemcached",
                        "memcached://");
                yield new MemcachedStore(settings.url(), settings.timeout(), settings.maxItemBytes(), clock);
            }
        };
    }

    /** Fails with a clear message when an optional client library is missing. */
    static void require(String className, String coordinates, String schemes) {
        try {
            Class.forName(className, false, CacheStores.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SessionConfigurationException("satchel.cache.url needs " + coordinates
                    + ", which is not on the class path: add " + coordinates + " to use " + schemes + " URLs");
        }
    }
}
