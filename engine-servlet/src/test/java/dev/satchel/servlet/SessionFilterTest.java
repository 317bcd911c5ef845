package dev.satchel.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.tck.InMemorySessionEngine;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter inside a real Jetty, driven over HTTP. */
class SessionFilterTest {
    private static Server server;
    private static SessionManager sessions;
    private static SessionManager failing;
    private static InMemorySessionEngine engine;
    private static String base;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** The pages the tests call. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Session session = SessionFilter.session(req);
            switch (req.getPathInfo()) {
                case "/count" -> {
                    long visits = (Long) session.getOrDefault("num_visits", 0L) + 1;
                    session.put("num_visits", visits);
                    resp.getWriter().print(visits);
                }
                case "/read" -> resp.getWriter().print(session.get("num_visits"));
                case "/nothing" -> resp.getWriter().print("ok");
                case "/httpsession" -> {
                    HttpSession http = req.getSession();
                    Object n = http.getAttribute("n");
                    http.setAttribute("n", n == null ? 1L : (Long) n + 1);
                    resp.getWriter().print(http.getAttribute("n"));
                }
                case "/httpsession-bad" -> req.getSession().setAttribute("x", new Object());
                case "/logout" -> {
                    HttpSession http = req.getSession(false);
                    if (http != null) {
                        http.invalidate();
                    }
                    resp.getWriter().print(req.getSession(false) == null ? "gone" : "still");
                }
                case "/big" -> {
                    session.put("big", true);
                    byte[] body = new byte[256 * 1024];
                    resp.getOutputStream().write(body);
                }
                case "/redirect" -> {
                    session.put("redirected", true);
                    resp.sendRedirect("/app/read");
                }
                case "/boom" -> {
                    session.put("boom", true);
                    throw new IllegalStateException("the view failed");
                }
                case "/cycle" -> resp.getWriter().print(req.changeSessionId());
                case "/concurrent-logout" -> {
                    session.get("num_visits");
                    // Another request logs the user out while this one runs.
                    sessions.engine().delete(session.getSessionKey());
                    session.put("num_visits", 99L);
                    resp.getWriter().print("done");
                }
                case "/concurrent-change" -> {
                    session.get("num_visits");
                    // Another request of the same user saves its own change while this one runs.
                    Session other = sessions.session(session.getSessionKey());
                    other.put("other_tab", true);
                    other.put("other_changes", (Long) other.getOrDefault("other_changes", 0L) + 1);
                    other.save();
                    session.put("num_visits", 7L);
                    resp.getWriter().print("done");
                }
                default -> resp.sendError(404);
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        sessions = SessionManager.builder(SessionSettings.builder()
                        .secretKey("servlet-test-secret")
                        .build())
                .engine(ctx -> engine = new InMemorySessionEngine(ctx))
                .build();
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(64 * 1024); // let 10 KB cookies reach the filter instead of Jetty's 431
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new SessionFilter(sessions)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new App()), "/app/*");
        // Two more apps over the same store whose saves fail on a conflict: one answers the default
        // 409, one a status of its own.
        failing = SessionManager.builder(SessionSettings.builder()
                        .secretKey("servlet-test-secret")
                        .conflictPolicy(ConflictPolicy.FAIL)
                        .build())
                .engine(ctx -> engine)
                .build();
        ServletContextHandler strict = new ServletContextHandler();
        strict.setContextPath("/strict");
        strict.addFilter(new FilterHolder(new SessionFilter(failing)), "/*", EnumSet.of(DispatcherType.REQUEST));
        strict.addServlet(new ServletHolder(new App()), "/app/*");
        ServletContextHandler custom = new ServletContextHandler();
        custom.setContextPath("/custom");
        custom.addFilter(new FilterHolder(new SessionFilter(failing, 503)), "/*", EnumSet.of(DispatcherType.REQUEST));
        custom.addServlet(new ServletHolder(new App()), "/app/*");
        server.setHandler(new ContextHandlerCollection(context, strict, custom));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        sessions.close();
    }

    private static HttpResponse<String> get(String path, String cookieHeader) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (cookieHeader != null) {
            b.header("Cookie", cookieHeader);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieValue(HttpResponse<?> r) {
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void aVisitCounter_persistsAcrossRequests() throws Exception {
        HttpResponse<String> first = get("/app/count", null);
        assertEquals("1", first.body());
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(
                setCookie.matches(
                        "sessionid=[a-z0-9]{32}; expires=.* GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"),
                setCookie);
        assertEquals("Cookie", first.headers().firstValue("Vary").orElseThrow());
        assertEquals("private", first.headers().firstValue("Cache-Control").orElseThrow());
        String key = cookieValue(first);
        assertEquals("2", get("/app/count", "sessionid=" + key).body());
        HttpResponse<String> third = get("/app/count", "sessionid=" + key);
        assertEquals("3", third.body());
        HttpResponse<String> read = get("/app/read", "sessionid=" + key);
        assertEquals("3", read.body());
        assertTrue(read.headers().firstValue("Set-Cookie").isEmpty(), "reading does not re-send the cookie");
        assertEquals("Cookie", read.headers().firstValue("Vary").orElseThrow());
    }

    @Test
    void anUntouchedSession_leavesTheResponseAlone() throws Exception {
        HttpResponse<String> r = get("/app/nothing", null);
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertTrue(r.headers().firstValue("Vary").isEmpty());
    }

    @Test
    void theHttpSessionView_isTheSameSession() throws Exception {
        HttpResponse<String> first = get("/app/httpsession", null);
        assertEquals("1", first.body());
        String key = cookieValue(first);
        assertEquals("2", get("/app/httpsession", "sessionid=" + key).body());
        assertEquals(2L, sessions.session(key).get("n"));
        HttpResponse<String> bad = get("/app/httpsession-bad", "sessionid=" + key);
        assertEquals(500, bad.statusCode(), "a non-JSON attribute is refused");
        assertEquals(2L, sessions.session(key).get("n"), "and nothing was saved");
    }

    @Test
    void invalidate_deletesTheRecordAndTheCookie() throws Exception {
        String key = cookieValue(get("/app/count", null));
        HttpResponse<String> out = get("/app/logout", "sessionid=" + key);
        assertEquals("gone", out.body());
        assertTrue(out.headers()
                .firstValue("Set-Cookie")
                .orElseThrow()
                .startsWith("sessionid=\"\"; expires=Thu, 01 Jan 1970"));
        assertFalse(sessions.session(key).exists(key));
        assertEquals("1", get("/app/count", "sessionid=" + key).body(), "the old cookie no longer works");
    }

    @Test
    void aBodyLargerThanTheBuffer_stillGetsTheCookie() throws Exception {
        HttpResponse<String> r = get("/app/big", null);
        assertEquals(200, r.statusCode());
        assertEquals(256 * 1024, r.body().length());
        assertEquals(true, sessions.session(cookieValue(r)).get("big"));
    }

    @Test
    void aRedirect_carriesTheCookie() throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + "/app/redirect")).build();
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertEquals(true, sessions.session(cookieValue(r)).get("redirected"));
    }

    @Test
    void aFailingView_savesNothing() throws Exception {
        int before = engine.size();
        HttpResponse<String> r = get("/app/boom", null);
        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(before, engine.size());
    }

    @Test
    void cycleKey_changesTheCookieAndKeepsTheData() throws Exception {
        String key = cookieValue(get("/app/count", null));
        HttpResponse<String> r = get("/app/cycle", "sessionid=" + key);
        String newKey = cookieValue(r);
        assertNotEquals(key, newKey);
        assertEquals(newKey, r.body());
        assertEquals("2", get("/app/count", "sessionid=" + newKey).body());
        assertEquals("1", get("/app/count", "sessionid=" + key).body(), "the old key is gone");
    }

    @Test
    void badCookies_giveADefinedResultNeverAnError() throws Exception {
        String key = cookieValue(get("/app/count", null));
        // Duplicates: the last one wins, as in Django's parse_cookie.
        for (Map.Entry<String, String> c : Map.of(
                        "two cookies, last valid", "sessionid=zzzzzzzzzzzz; sessionid=" + key,
                        "two cookies, first malformed", "sessionid=\"a b\"; sessionid=" + key)
                .entrySet()) {
            HttpResponse<String> r = get("/app/read", c.getValue());
            assertEquals(200, r.statusCode(), c.getKey());
            assertEquals("1", r.body(), c.getKey());
        }
        for (String tossed :
                List.of("sessionid=" + key + "; sessionid=zzzzzzzzzzzz", "sessionid=" + key + "; sessionid=")) {
            HttpResponse<String> r = get("/app/read", tossed);
            assertEquals(200, r.statusCode(), tossed);
            assertEquals("null", r.body(), "the last duplicate decides, even when it names no session: " + tossed);
        }
        for (String header : List.of(
                "sessionid=with space",
                "sessionid=\"quoted\"\"",
                "sessionid=" + "x".repeat(10_000),
                "sessionid",
                "=;;=;sessionid==",
                "sessionid=../../etc/passwd")) {
            HttpResponse<String> r = get("/app/read", header);
            assertEquals(200, r.statusCode(), header.length() > 40 ? header.length() + " chars" : header);
            assertEquals("null", r.body());
        }
    }

    @Test
    void aConcurrentChange_isMergedByDefault_andAnswers409WhenThePolicyIsFail() throws Exception {
        String key = cookieValue(get("/app/count", null));
        HttpResponse<String> merged = get("/app/concurrent-change", "sessionid=" + key);
        assertEquals(200, merged.statusCode());
        assertEquals(7L, sessions.session(key).get("num_visits"), "this request's change");
        assertEquals(Boolean.TRUE, sessions.session(key).get("other_tab"), "the other request's change survives");

        String strictKey = cookieValue(get("/app/count", null));
        HttpResponse<String> refused = get("/strict/app/concurrent-change", "sessionid=" + strictKey);
        assertEquals(409, refused.statusCode(), "satchel.conflicts=fail: the filter answers 409");
        assertTrue(refused.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(1L, sessions.session(strictKey).get("num_visits"), "nothing of the refused save was stored");
        assertEquals(Boolean.TRUE, sessions.session(strictKey).get("other_tab"));

        HttpResponse<String> custom = get("/custom/app/concurrent-change", "sessionid=" + strictKey);
        assertEquals(503, custom.statusCode(), "the conflict status is configurable");
    }

    @Test
    void aSessionDeletedConcurrently_answers400() throws Exception {
        String key = cookieValue(get("/app/count", null));
        HttpResponse<String> r = get("/app/concurrent-logout", "sessionid=" + key);
        assertEquals(400, r.statusCode(), "Django's SessionInterrupted");
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertNull(sessions.session(key).get("num_visits"), "the deleted session is not resurrected");
    }
}
