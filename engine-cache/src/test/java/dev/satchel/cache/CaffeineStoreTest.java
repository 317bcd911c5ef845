package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.cache.internal.CaffeineStore;
import dev.satchel.tck.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded store's size bound and per-entry expiry on the injected clock. */
class CaffeineStoreTest {
    private final MutableClock clock = new MutableClock();

    private SessionManager manager(int maximumSize) {
        return SessionManager.builder(SessionSettings.builder()
                        .secretKey("caffeine")
                        .engine("cache")
                        .engineProperty(CacheSettings.CAFFEINE_MAXIMUM_SIZE, Integer.toString(maximumSize))
                        .build())
                .clock(clock)
                .build();
    }

    @Test
    void theSizeBound_evicts_andAnEvictedSessionReadsAsGone() {
        try (SessionManager sessions = manager(10)) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Session s = sessions.newSession();
                s.put("i", (long) i);
                s.save();
                keys.add(s.getSessionKey());
            }
            CaffeineStore store = (CaffeineStore) ((CacheSessionEngine) sessions.engine()).store();
            assertTrue(store.size() <= 10, "bounded: " + store.size());
            int readable = 0;
            for (String key : keys) {
                Session s = sessions.session(key);
                if (s.get("i") != null) {
                    readable++;
                } else {
                    assertNull(s.getSessionKey(), "an evicted session is simply gone");
                }
            }
            assertTrue(readable <= 10 && readable > 0, "readable " + readable);
        }
    }

    @Test
    void entriesExpireAtTheirOwnInstant_onTheInjectedClock() {
        try (SessionManager sessions = manager(1000)) {
            Session shortLived = sessions.newSession();
            shortLived.put("a", 1L);
            shortLived.setExpiry(60);
            shortLived.save();
            Session longLived = sessions.newSession();
            longLived.put("b", 2L);
            longLived.save();
            CaffeineStore store = (CaffeineStore) ((CacheSessionEngine) sessions.engine()).store();
            clock.advance(Duration.ofSeconds(59));
            assertEquals(2, store.size());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(1, store.size(), "the store itself dropped the expired entry, without any sleep");
            assertNull(sessions.session(shortLived.getSessionKey()).get("a"));
            assertEquals(2L, sessions.session(longLived.getSessionKey()).get("b"));
        }
    }
}
