package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionEngines;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.spi.EngineContext;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/** Django's write-through rules, and a cache that fails without failing the request. */
class CachedDbBehaviourTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final String table = TestDb.uniqueTable("satchel_cdb");
    private SessionManager sessions;

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("s.sqlite3");
    }

    private SessionSettings settings(String cacheUrl) {
        return SessionSettings.builder()
                .secretKey(TestDb.SECRET)
                .engine("cached_db")
                .engineProperty(DbSettings.URL, url())
                .engineProperty(DbSettings.TABLE, table)
                .engineProperty("satchel.cache.url", cacheUrl)
                .engineProperty("satchel.cache.timeout", "PT0.5S")
                .build();
    }

    @AfterEach
    void close() {
        if (sessions != null) {
            sessions.close();
        }
    }

    private void deleteRow(String key) throws Exception {
        try (Connection c = TestDb.connect(url());
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE session_key = ?")) {
            ps.setString(1, key);
            assertEquals(1, ps.executeUpdate());
        }
    }

    @Test
    void isFoundByName_andByDjangosDottedName() {
        assertEquals(
                CachedDbSessionEngineProvider.class,
                SessionEngines.find("cached_db").getClass());
        assertEquals(
                CachedDbSessionEngineProvider.class,
                SessionEngines.find("django.contrib.sessions.backends.cached_db")
                        .getClass());
    }

    @Test
    void savesWriteThrough_andLoadsAreServedByTheCache() throws Exception {
        sessions = SessionManager.builder(settings("caffeine:")).clock(clock).build();
        Session s = sessions.newSession();
        s.put("cart", "apple");
        s.save();
        String key = s.getSessionKey();
        assertEquals(1, TestDb.count(url(), table), "the database holds it");
        deleteRow(key);
        assertEquals("apple", sessions.session(key).get("cart"), "a cache hit does not touch the database");
        assertFalse(sessions.session(key).exists(key), "exists asks the database, the authority");
    }

    @Test
    void aCacheMiss_readsTheDatabaseAndFillsTheCache() {
        Servers.require("Redis", Servers.REDIS_URL);
        SessionSettings redis = settings(Servers.REDIS_URL).toBuilder()
                .engineProperty("satchel.cache.key-prefix", table)
                .build();
        sessions = SessionManager.builder(redis).clock(clock).build();
        Session s = sessions.newSession();
        s.put("n", 1L);
        s.save();
        String key = s.getSessionKey();
        String cacheKey;
        try (CacheSessionEngine sameCache = CacheSessionEngine.create(
                EngineContext.of(sessions.settings(), clock), CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX)) {
            cacheKey = sameCache.cacheKey(key);
        }
        assertEquals(table + ":1:django.contrib.sessions.cached_db" + key, cacheKey, "Django's key layout");
        try (JedisPooled jedis = new JedisPooled(java.net.URI.create(Servers.REDIS_URL))) {
            assertTrue(jedis.exists(cacheKey), "written through");
            jedis.del(cacheKey); // an eviction
            assertEquals(1L, sessions.session(key).get("n"), "the database answers a miss");
            assertTrue(jedis.exists(cacheKey), "and the cache is filled again");
            assertTrue(jedis.ttl(cacheKey) > 1_209_000, "with the session's remaining lifetime");
            jedis.del(cacheKey);
        }
    }

    @Test
    void aCacheThatIsDown_neverFailsASaveOrALoad_butALogoutRaisesHavingChangedNothing() throws Exception {
        String deadCache = "redis://127.0.0.1:" + Servers.freePort();
        sessions = SessionManager.builder(settings(deadCache)).clock(clock).build();
        Session s = sessions.newSession();
        s.put("k", "v");
        s.save();
        String key = s.getSessionKey();
        assertEquals(1, TestDb.count(url(), table), "the database write stands");
        Session next = sessions.session(key);
        assertEquals("v", next.get("k"), "loads fall back to the database");
        next.put("k", "w");
        next.save();
        assertEquals("w", sessions.session(key).get("k"));
        assertThrows(SessionStoreUnavailableException.class, next::flush, "a logout the cache cannot record");
        assertEquals(1, TestDb.count(url(), table), "nothing was deleted");
    }

    @Test
    void aSessionTooLargeForTheCache_isStillSavedAndNeverReadStale() {
        SessionSettings small = settings("caffeine:").toBuilder()
                .engineProperty("satchel.cache.max-item-bytes", "2048")
                .build();
        sessions = SessionManager.builder(small).clock(clock).build();
        Session s = sessions.newSession();
        s.put("v", "small");
        s.save();
        String key = s.getSessionKey();
        Session big = sessions.session(key);
        big.put("v", "x".repeat(50_000) + java.util.UUID.randomUUID());
        big.save();
        assertTrue(
                ((String) sessions.session(key).get("v")).startsWith("xxxx"),
                "the cache no longer serves the old version");
    }
}
