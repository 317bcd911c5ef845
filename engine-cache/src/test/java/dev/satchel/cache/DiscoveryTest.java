package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionEngines;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    @Test
    void foundByNameAndByDjangosName() {
        assertInstanceOf(CacheSessionEngineProvider.class, SessionEngines.find("cache"));
        assertInstanceOf(
                CacheSessionEngineProvider.class, SessionEngines.find("django.contrib.sessions.backends.cache"));
        assertTrue(SessionEngines.available().contains("cache"));
    }

    @Test
    void aManagerOpensTheEmbeddedCacheByDefault() {
        SessionSettings settings = SessionSettings.builder()
                .secretKey("discovery")
                .engine("django.contrib.sessions.backends.cache")
                .build();
        try (SessionManager sessions = SessionManager.open(settings)) {
            assertInstanceOf(CacheSessionEngine.class, sessions.engine());
            Session s = sessions.newSession();
            s.put("a", 1L);
            s.save();
            assertEquals(1L, sessions.session(s.getSessionKey()).get("a"));
        }
    }
}
