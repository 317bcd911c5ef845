package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.cache.internal.MemcachedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Several memcached nodes with consistent hashing; Redis credentials, database index and TLS. */
class StoreTopologyTest {

    private static SessionManager manager(String url) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey("topology")
                .engine("cache")
                .engineProperty(CacheSettings.URL, url)
                .engineProperty(CacheSettings.TIMEOUT, "PT1S")
                .build());
    }

    @Test
    void memcachedKetama_losingOneNodeLosesOnlyItsShare() {
        try (LocalServer a = LocalServer.memcached();
                LocalServer b = LocalServer.memcached();
                SessionManager sessions = manager("memcached://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Session s = sessions.newSession();
                s.put("i", (long) i);
                s.save();
                keys.add(s.getSessionKey());
            }
            b.kill();
            MemcachedStore store = (MemcachedStore) ((CacheSessionEngine) sessions.engine()).store();
            // Wait (hang-guarded) until the client has noticed the dead node and rehashed around it.
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                while (store.connectedServers().size() != 1) {
                    Thread.sleep(50);
                }
            });
            int kept = 0;
            for (int i = 0; i < keys.size(); i++) {
                Object value = sessions.session(keys.get(i)).get("i");
                if (value != null) {
                    assertEquals((long) i, value);
                    kept++;
                }
            }
            System.out.printf("Ketama over 2 nodes: after losing one, %d of %d sessions remain%n", kept, keys.size());
            assertTrue(kept > 0 && kept < keys.size(), "only the dead node's share is lost: kept " + kept);
            Session s = sessions.newSession();
            s.put("after", true);
            s.save();
            assertEquals(true, sessions.session(s.getSessionKey()).get("after"), "new sessions go to the live node");
        }
    }

    @Test
    void redisAclUserPasswordAndDatabase_fromTheUrl() {
        try (LocalServer server = LocalServer.redis(
                "--user", "satchel", "on", ">s3cr%t", "~*", "&*", "+@all", "--user", "default", "off")) {
            String base = "127.0.0.1:" + server.port();
            try (SessionManager sessions = manager("redis://satchel:s3cr%25t@" + base + "/3")) {
                Session s = sessions.newSession();
                s.put("a", 1L);
                s.save();
                assertEquals(1L, sessions.session(s.getSessionKey()).get("a"));
                CacheSessionEngine engine = (CacheSessionEngine) sessions.engine();
                try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
                    raw.auth("satchel", "s3cr%t");
                    raw.select(3);
                    assertTrue(raw.exists(engine.cacheKey(s.getSessionKey())), "stored in database 3");
                    raw.select(0);
                    assertTrue(!raw.exists(engine.cacheKey(s.getSessionKey())), "not in database 0");
                }
            }
            try (SessionManager wrong = manager("redis://satchel:wrong@" + base)) {
                SessionStoreUnavailableException e =
                        assertThrows(SessionStoreUnavailableException.class, () -> wrong.session("abcdefgh12345678")
                                .get("a"));
                System.out.println("wrong password: " + e.getMessage());
                assertTrue(!e.getMessage().contains("wrong"), "the password is not echoed");
            }
        }
    }

    @Test
    void rediss_speaksTls() {
        // Against a plain-text server a TLS handshake cannot complete: the call fails cleanly, in time.
        try (LocalServer server = LocalServer.redis();
                SessionManager sessions = manager("rediss://127.0.0.1:" + server.port())) {
            SessionStoreUnavailableException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(15),
                    () -> assertThrows(
                            SessionStoreUnavailableException.class,
                            () -> sessions.session("abcdefgh12345678").get("a")));
            System.out.println("rediss:// against a plain server: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("Redis at rediss://"), e.getMessage());
            Session s = sessions.newSession();
            assertNull(s.get("a"), "no key, no store call");
        }
    }
}
