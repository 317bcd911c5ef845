package dev.satchel.cache.internal;

import dev.satchel.SessionConfigurationException;
import dev.satchel.cache.CacheSettings;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
                                .orElse(null),
                        charset(settings));
            }
            case MEMCACHED -> {
                require(
                        "net.rubyeye.xmemcached.XMemcachedClientBuilder",
                        "com.googlecode.xmemcached:xmemcached",
                        "memcached://");
                yield new MemcachedStore(
                        settings.url(),
                        settings.timeout(),
                        settings.maxItemBytes(),
                        clock,
                        settings.valueFormat() == CacheSettings.ValueFormat.DJANGO_PICKLE);
            }
        };
    }

    /**
     * The charset a value string stands for bytes in: UTF-8 for Satchel's signed format, Latin-1 (one
     * char per byte) for pickles.
     */
    public static Charset charset(CacheSettings settings) {
        return settings.valueFormat() == CacheSettings.ValueFormat.DJANGO_PICKLE
                ? StandardCharsets.ISO_8859_1
                : StandardCharsets.UTF_8;
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
