package dev.satchel.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.tck.InMemorySessionEngine;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code satchel.cookie.partitioned=true} the filter's cookies, set and deleted, are Partitioned. */
class PartitionedCookieFilterTest {
    private static Server server;
    private static SessionManager sessions;
    private static String base;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** One page that counts, one that logs out. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Session session = SessionFilter.session(req);
            if (req.getPathInfo().equals("/logout")) {
                session.flush();
            } else {
                session.put("n", 1L);
            }
            resp.getWriter().print("ok");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        sessions = SessionManager.builder(SessionSettings.builder()
                        .secretKey("partitioned-filter-test-secret")
                        .cookieSecure(true)
                        .cookieSameSite("None")
                        .cookiePartitioned(true)
                        .build())
                .engine(InMemorySessionEngine::new)
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new SessionFilter(sessions)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new App()), "/app/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        sessions.close();
    }

    private static String setCookie(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.headers().firstValue("Set-Cookie").orElseThrow();
    }

    @Test
    void theSessionCookie_andItsDeletion_arePartitioned() throws Exception {
        String set = setCookie("/app/count", null);
        assertTrue(
                set.matches("sessionid=[a-z0-9]{32}; expires=.* GMT; HttpOnly; Max-Age=1209600; Partitioned; Path=/;"
                        + " SameSite=None; Secure"),
                set);
        String key = set.substring("sessionid=".length(), set.indexOf(';'));
        assertEquals(
                "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Partitioned; Path=/; SameSite=None;"
                        + " Secure",
                setCookie("/app/logout", "sessionid=" + key));
    }
}
