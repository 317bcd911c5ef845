package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.SessionSettings;
import dev.satchel.cache.internal.CacheKeys;
import dev.satchel.cache.internal.MemcachedStore;
import dev.satchel.spi.EngineContext;
import dev.satchel.testing.DjangoVectors;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Cache keys, key validity and memcached expiration times against what real Django produced. */
class CacheKeyVectorTest {

    private static CacheSessionEngine engine(String keyPrefix, int version, String logicalPrefix) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey("vector-test")
                .engineProperty(CacheSettings.KEY_PREFIX, keyPrefix)
                .engineProperty(CacheSettings.VERSION, Integer.toString(version))
                .build();
        return CacheSessionEngine.create(EngineContext.of(settings, Clock.systemUTC()), logicalPrefix);
    }

    @Test
    void cacheKeys_matchDjango() {
        JsonNode keys = DjangoVectors.load("backends.json").get("cache_keys");
        assertEquals(
                CacheSessionEngine.LOGICAL_PREFIX,
                keys.get("cache_key_prefix_constants").get("cache").asText());
        assertEquals(
                CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX,
                keys.get("cache_key_prefix_constants").get("cached_db").asText());
        int checked = 0;
        for (JsonNode c : keys.get("cases")) {
            String logical = c.get("session_backend").asText().equals("cache")
                    ? CacheSessionEngine.LOGICAL_PREFIX
                    : CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX;
            try (CacheSessionEngine e =
                    engine(c.get("KEY_PREFIX").asText(), c.get("VERSION").asInt(), logical)) {
                assertEquals(
                        c.get("final_cache_key").asText(),
                        e.cacheKey(c.get("session_key").asText()),
                        c.toString());
                assertTrue(e.acceptsKey(c.get("session_key").asText()));
            }
            checked++;
        }
        assertEquals(keys.get("cases").size(), checked);
        assertTrue(checked > 0, "no cache key case in " + DjangoVectors.source());
    }

    @Test
    void memcachedKeyRule_matchesDjangoForEveryCandidate() {
        JsonNode candidates = DjangoVectors.load("session_keys.json").get("candidates");
        int checked = 0;
        int inFile = 0;
        for (JsonNode c : candidates) {
            inFile += c.hasNonNull("memcached_final_key") ? 1 : 0;
        }
        try (CacheSessionEngine e = engine("", 1, CacheSessionEngine.LOGICAL_PREFIX)) {
            for (JsonNode c : candidates) {
                JsonNode finalKey = c.get("memcached_final_key");
                if (finalKey == null || finalKey.isNull()) {
                    continue;
                }
                String candidate = c.get("candidate").asText();
                assertEquals(finalKey.asText(), e.cacheKey(candidate));
                boolean valid = c.get("memcached_key_valid").asBoolean();
                assertEquals(
                        valid, CacheKeys.isValid(e.cacheKey(candidate)), "candidate of length " + candidate.length());
                if (!valid) {
                    // Refused before any call: nothing is loaded, nothing exists, nothing is deleted.
                    assertFalse(e.acceptsKey(candidate));
                    assertTrue(e.load(candidate).isEmpty());
                    assertFalse(e.exists(candidate));
                    e.delete(candidate);
                }
                checked++;
            }
        }
        assertEquals(inFile, checked, "every candidate with a memcached key");
        assertTrue(checked > 0, "no memcached key candidate in " + DjangoVectors.source());
    }

    @Test
    void keyRule_countsBytesAndRefusesBrokenText() {
        assertTrue(CacheKeys.isValid("a".repeat(250)));
        assertFalse(CacheKeys.isValid("a".repeat(251)));
        assertFalse(CacheKeys.isValid("\u00e9".repeat(126)), "252 bytes of UTF-8 in 126 characters");
        assertTrue(CacheKeys.isValid("\u00e9".repeat(125)));
        assertFalse(CacheKeys.isValid("abc\u007fdef"));
        assertFalse(CacheKeys.isValid("abc\tdef"));
        assertFalse(CacheKeys.isValid("abc\ud800def"), "a lone surrogate");
        assertTrue(CacheKeys.isValid("abc\ud83d\ude00def"));
        assertFalse(CacheKeys.isValid(""));
    }

    @Test
    void memcachedTimeouts_matchDjango() {
        for (JsonNode c : DjangoVectors.load("backends.json").get("memcached_timeouts")) {
            BigDecimal now = c.get("now").decimalValue();
            Instant instant = Instant.ofEpochSecond(
                    now.longValue(),
                    now.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            long age = c.get("session_expiry_age").asLong();
            assertEquals(
                    c.get("timeout_sent_to_memcached").asLong(), MemcachedStore.expiration(age, instant), c.toString());
        }
    }
}
