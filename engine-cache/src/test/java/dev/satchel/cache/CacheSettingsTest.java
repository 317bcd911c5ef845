package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {

    private static CacheSettings parse(Map<String, String> keys) {
        SessionSettings.Builder b = SessionSettings.builder().secretKey("s");
        keys.forEach(b::engineProperty);
        return CacheSettings.from(b.build());
    }

    @Test
    void defaults() {
        CacheSettings s = parse(Map.of());
        assertEquals("caffeine:", s.url());
        assertEquals(CacheSettings.Store.CAFFEINE, s.store());
        assertEquals("", s.keyPrefix());
        assertEquals(1, s.version());
        assertEquals(Duration.ofSeconds(2), s.timeout());
        assertEquals(CacheSettings.LoadFailure.FAIL, s.onLoadFailure());
        assertEquals(":1:django.contrib.sessions.cacheabc", s.cacheKey(CacheSessionEngine.LOGICAL_PREFIX, "abc"));
        assertEquals(
                1L << 20, parse(Map.of(CacheSettings.URL, "memcached://h:1")).maxItemBytes());
    }

    @Test
    void valueFormat_satchelByDefault_djangoPickleOnRequest_elseRefused() {
        assertEquals(CacheSettings.ValueFormat.SATCHEL, parse(Map.of()).valueFormat());
        assertEquals(
                CacheSettings.ValueFormat.DJANGO_PICKLE,
                parse(Map.of(CacheSettings.VALUE_FORMAT, "django-pickle")).valueFormat());
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.VALUE_FORMAT, "pickle")));
        assertTrue(
                e.getMessage().contains("satchel.cache.value-format must be satchel or django-pickle"), e.getMessage());
    }

    @Test
    void everyKeyIsRead() {
        CacheSettings s = parse(Map.of(
                CacheSettings.URL, "redis://u:p@localhost:6380/3",
                CacheSettings.KEY_PREFIX, "shop",
                CacheSettings.VERSION, "3",
                CacheSettings.TIMEOUT, "0.25",
                CacheSettings.ON_LOAD_FAILURE, "empty",
                CacheSettings.CAFFEINE_MAXIMUM_SIZE, "10",
                CacheSettings.MAX_ITEM_BYTES, "4096",
                CacheSettings.POOL_SIZE, "4"));
        assertEquals(CacheSettings.Store.REDIS, s.store());
        assertEquals(Duration.ofMillis(250), s.timeout());
        assertEquals(CacheSettings.LoadFailure.EMPTY, s.onLoadFailure());
        assertEquals(10, s.caffeineMaximumSize());
        assertEquals(4096, s.maxItemBytes());
        assertEquals(4, s.poolSize());
        assertEquals("shop:3:x", s.cacheKey("", "x"));
        assertFalse(s.toString().contains(":p@"), "the password is never printed: " + s);
        assertEquals(
                Duration.ofMillis(1500),
                parse(Map.of(CacheSettings.TIMEOUT, "PT1.5S")).timeout());
    }

    @Test
    void unknownKeys_areNamed() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> parse(Map.of("satchel.cache.urll", "redis://x", "satchel.cache.timeout-ms", "5")));
        assertTrue(e.getMessage().contains("satchel.cache.urll"), e.getMessage());
        assertTrue(e.getMessage().contains("satchel.cache.timeout-ms"), e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> parse(Map.of(
                        CacheSettings.URL, "ftp://x",
                        CacheSettings.VERSION, "one",
                        CacheSettings.TIMEOUT, "soon",
                        CacheSettings.ON_LOAD_FAILURE, "ignore",
                        CacheSettings.KEY_PREFIX, "my app")));
        for (String key : new String[] {
            CacheSettings.URL,
            CacheSettings.VERSION,
            CacheSettings.TIMEOUT,
            CacheSettings.ON_LOAD_FAILURE,
            CacheSettings.KEY_PREFIX
        }) {
            assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
        }
    }

    @Test
    void badUrls_areRefused() {
        assertThrows(SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.URL, "memcached://")));
        assertThrows(SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.URL, "memcached://h")));
        assertThrows(
                SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.URL, "memcached://h:1,h:x")));
        assertThrows(SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.URL, "redis://h:1/abc")));
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.URL, "redis://u:secret@/x")));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void aPrefixTooLongForMemcached_isRefused() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class, () -> parse(Map.of(CacheSettings.KEY_PREFIX, "p".repeat(200))));
        assertTrue(e.getMessage().contains(CacheSettings.KEY_PREFIX), e.getMessage());
    }
}
