package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionInterruptedException;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.web.SessionMiddleware;
import dev.satchel.web.SessionResponse;
import org.junit.jupiter.api.Test;

/** The middleware's promises beyond Django's vectors. */
class SessionMiddlewareTest {
    private final MutableClock clock = new MutableClock();
    private InMemorySessionEngine engine;

    private SessionManager manager(boolean saveEveryRequest) {
        return SessionManager.builder(SessionSettings.builder()
                        .secretKey("middleware-test-secret")
                        .saveEveryRequest(saveEveryRequest)
                        .build())
                .clock(clock)
                .engine(ctx -> engine = new InMemorySessionEngine(ctx))
                .build();
    }

    @Test
    void saveEveryRequest_withUnknownKeys_neverStoresEmptySessions() {
        try (SessionManager m = manager(true)) {
            SessionMiddleware middleware = new SessionMiddleware(m);
            for (int i = 0; i < 50; i++) {
                Session s = middleware.open(SessionKeys.generate());
                SessionResponse r = middleware.finish(s, true, 200);
                assertTrue(r.setCookie().orElseThrow().startsWith("sessionid=\"\";"), "the stale cookie is deleted");
            }
            assertEquals(0, engine.size(), "Django would have stored 50 empty sessions here");
        }
    }

    @Test
    void saveEveryRequest_stillRenewsRealSessions() {
        try (SessionManager m = manager(true)) {
            SessionMiddleware middleware = new SessionMiddleware(m);
            Session first = middleware.open(null);
            first.put("k", "v");
            middleware.finish(first, false, 200);
            Session next = middleware.open(first.getSessionKey());
            SessionResponse r = middleware.finish(next, true, 200);
            assertTrue(r.setCookie().orElseThrow().startsWith("sessionid=" + first.getSessionKey()));
            assertTrue(r.cachePrivate());
        }
    }

    @Test
    void aSessionDeletedByAConcurrentRequest_becomesSessionInterrupted() {
        try (SessionManager m = manager(false)) {
            SessionMiddleware middleware = new SessionMiddleware(m);
            Session created = middleware.open(null);
            created.put("k", "v");
            middleware.finish(created, false, 200);
            Session request1 = middleware.open(created.getSessionKey());
            request1.put("k", "changed");
            Session logout = middleware.open(created.getSessionKey());
            logout.flush();
            middleware.finish(logout, true, 200);
            assertThrows(SessionInterruptedException.class, () -> middleware.finish(request1, true, 200));
            assertEquals(0, engine.size(), "the deleted session is not resurrected");
        }
    }

    @Test
    void serverErrors_saveNothing() {
        try (SessionManager m = manager(false)) {
            SessionMiddleware middleware = new SessionMiddleware(m);
            for (int status : new int[] {500, 502, 503, 599}) {
                Session s = middleware.open(null);
                s.put("k", "v");
                SessionResponse r = middleware.finish(s, false, status);
                assertFalse(r.setCookie().isPresent());
                assertTrue(r.varyCookie());
            }
            assertEquals(0, engine.size());
        }
    }

    @Test
    void responsesThatSetTheCookie_areMarkedPrivate() {
        try (SessionManager m = manager(false)) {
            SessionMiddleware middleware = new SessionMiddleware(m);
            Session s = middleware.open(null);
            s.put("k", "v");
            assertTrue(middleware.finish(s, false, 200).cachePrivate());
            Session read = middleware.open(s.getSessionKey());
            read.get("k");
            SessionResponse r = middleware.finish(read, true, 200);
            assertFalse(r.cachePrivate());
            assertTrue(r.varyCookie());
        }
    }
}
