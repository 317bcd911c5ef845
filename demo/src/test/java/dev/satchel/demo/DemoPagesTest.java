package dev.satchel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionConfigurationException;
import dev.satchel.auth.SessionAuth;
import dev.satchel.demo.UserStore.User;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every page of the demo over plain HTTP, without a browser: against the in-memory reference engine
 * ({@code memory}, a server-side store) and against {@code signed_cookies} (no server-side record),
 * where log-out behaves differently underneath.
 */
class DemoPagesTest {
    private static final Pattern VISITS = Pattern.compile("id=\"visits\">(\\d+)<");
    private static final String DELETED = "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/";

    @TempDir
    static Path dir;

    private static DemoServer memory;
    private static DemoServer cookies;
    private static int users;

    @BeforeAll
    static void start() throws Exception {
        memory = DemoServer.start(config("memory"));
        cookies = DemoServer.start(config("signed_cookies"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (memory != null) {
            memory.close();
        }
        if (cookies != null) {
            cookies.close();
        }
    }

    static Properties config(String engine) {
        Properties p = new Properties();
        p.setProperty("satchel.engine", engine);
        p.setProperty("satchel.secret-key", "demo-pages-test-secret");
        p.setProperty(DemoServer.PORT, "0");
        p.setProperty(DemoServer.USERS_URL, "jdbc:sqlite:" + dir.resolve(engine + "/users.sqlite3"));
        p.setProperty(DemoServer.PASSWORD_ITERATIONS, "100000");
        return p;
    }

    private static DemoServer server(String engine) {
        return engine.equals("memory") ? memory : cookies;
    }

    private static TestClient client(String engine) {
        return new TestClient(server(engine).baseUri(), "sessionid");
    }

    private static long visits(HttpResponse<String> page) {
        Matcher m = VISITS.matcher(page.body());
        assertTrue(m.find(), page.body());
        return Long.parseLong(m.group(1));
    }

    private static String newUsername() {
        return "user" + (++users);
    }

    @Test
    void theCounter_risesPerSession_andANewClientStartsAtOne() throws Exception {
        TestClient first = client("memory");
        assertEquals(1, visits(first.get("/")));
        assertTrue(
                first.get("/").body().contains("You have visited this page <strong id=\"visits\">2</strong> times."));
        assertEquals(3, visits(first.get("/")));
        TestClient second = client("memory");
        assertEquals(1, visits(second.get("/")));
        assertEquals(4, visits(first.get("/")));
        assertNotEquals(first.cookie(), second.cookie());
        assertEquals(4L, memory.sessions().session(first.cookie()).get("num_visits"));
    }

    @Test
    void about_setsTheTestCookie_thenReportsThatCookiesWork() throws Exception {
        TestClient c = client("memory");
        HttpResponse<String> first = c.get("/about");
        assertTrue(first.body().contains("A test cookie was set."), first.body());
        assertEquals("worked", memory.sessions().session(c.cookie()).get("testcookie"));
        HttpResponse<String> second = c.get("/about");
        assertTrue(second.body().contains("cookies work in this browser"), second.body());
        assertNull(memory.sessions().session(c.cookie()).get("testcookie"), "the test value is removed again");
        TestClient noCookies = client("memory");
        noCookies.get("/about");
        noCookies.cookie(null); // a client that refuses cookies never sees the success message
        assertTrue(noCookies.get("/about").body().contains("A test cookie was set."));
    }

    @Test
    void reset_flushesTheSessionAndDeletesTheCookie() throws Exception {
        TestClient c = client("memory");
        c.get("/");
        c.get("/");
        String key = c.cookie();
        HttpResponse<String> reset = c.get("/reset");
        assertEquals(302, reset.statusCode());
        assertEquals("/", reset.headers().firstValue("Location").orElseThrow().replaceFirst("^http://[^/]+", ""));
        assertTrue(c.setCookie(reset).startsWith(DELETED), c.setCookie(reset));
        assertFalse(memory.sessions().session(key).exists(key), "the record is deleted");
        assertNull(c.cookie());
        assertEquals(1, visits(c.get("/")));
    }

    @Test
    void theSessionViews_createAccessAndDelete_escapingWhatTheyShow() throws Exception {
        TestClient c = client("memory");
        assertTrue(c.get("/session/access").body().contains("Nothing is stored"));
        HttpResponse<String> created = c.get("/session/create?name=%3Cscript%3Ealert(1)%3C/script%3E&color=red");
        assertTrue(created.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), created.body());
        assertFalse(created.body().contains("<script>"), "user input is escaped");
        Map<String, Object> stored = Map.of(
                "name",
                memory.sessions().session(c.cookie()).get("name"),
                "color",
                memory.sessions().session(c.cookie()).get("color"));
        assertEquals(Map.of("name", "<script>alert(1)</script>", "color", "red"), stored);
        HttpResponse<String> access = c.get("/session/access");
        assertTrue(access.body().contains("color: <strong>red</strong>"), access.body());
        assertTrue(c.get("/session/delete").body().contains("Deleted name and color."));
        assertTrue(c.get("/session/access").body().contains("Nothing is stored"));
        assertTrue(c.get("/session/delete").body().contains("There was nothing to delete."));
        assertTrue(c.get("/session/create").body().contains("Ada Lovelace"), "defaults when no parameter");
    }

    @Test
    void signup_validates_storesADjangoPbkdf2Hash_andLogsIn() throws Exception {
        TestClient c = client("memory");
        String name = newUsername();
        HttpResponse<String> shortPassword = c.post("/signup", Map.of("username", name, "password", "short"));
        assertEquals(400, shortPassword.statusCode());
        assertTrue(shortPassword.body().contains("at least 8 characters"));
        HttpResponse<String> badName = c.post("/signup", Map.of("username", "two words", "password", "long enough"));
        assertEquals(400, badName.statusCode());
        assertTrue(memory.users().findByUsername(name).isEmpty(), "nothing was created");
        assertNull(c.cookie(), "a failed sign-up starts no session");

        HttpResponse<String> ok = c.post("/signup", Map.of("username", name, "password", "s3cret pässword"));
        assertEquals(302, ok.statusCode());
        User user = memory.users().findByUsername(name).orElseThrow();
        assertTrue(
                user.passwordHash().matches("pbkdf2_sha256\\$100000\\$[A-Za-z0-9]{22}\\$[A-Za-z0-9+/]{43}="),
                user.passwordHash());
        assertTrue(new Passwords(100_000).verify("s3cret pässword", user.passwordHash()));
        Map<String, Object> session = Map.of(
                "id", memory.sessions().session(c.cookie()).get(SessionAuth.USER_ID),
                "hash", memory.sessions().session(c.cookie()).get(SessionAuth.HASH));
        SessionAuth auth = new SessionAuth(memory.sessions().settings());
        assertEquals(
                Map.of("id", Long.toString(user.id()), "hash", auth.sessionAuthHash(user.passwordHash())), session);
        assertTrue(c.get("/").body().contains("Signed in as <strong id=\"user\">" + name + "</strong>"));

        TestClient other = client("memory");
        HttpResponse<String> taken = other.post("/signup", Map.of("username", name, "password", "another one"));
        assertEquals(400, taken.statusCode());
        assertTrue(taken.body().contains("That user name is taken."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "signed_cookies"})
    void login_changesTheKeyAndKeepsTheCart_logout_makesTheOldCookieUseless(String engine) throws Exception {
        DemoServer server = server(engine);
        String name = newUsername();
        TestClient registrar = client(engine);
        assertEquals(
                302,
                registrar
                        .post("/signup", Map.of("username", name, "password", "p4ssword!"))
                        .statusCode());

        TestClient c = client(engine);
        assertEquals(302, c.get("/cart/add?item=apple").statusCode());
        assertEquals(302, c.post("/cart/add", Map.of("item", "pear & <plum>")).statusCode());
        String anonymous = c.cookie();
        HttpResponse<String> tasks = c.get("/tasks");
        assertEquals(302, tasks.statusCode());
        assertTrue(tasks.headers().firstValue("Location").orElseThrow().endsWith("/login?next=/tasks"));

        HttpResponse<String> wrong =
                c.post("/login", Map.of("username", name, "password", "wrong password", "next", "/tasks"));
        assertEquals(200, wrong.statusCode());
        assertTrue(wrong.body().contains("Wrong user name or password."));
        assertNull(c.setCookie(wrong), "a failed log-in leaves the session alone");
        assertTrue(c.post("/login", Map.of("username", "nobody", "password", "p4ssword!"))
                .body()
                .contains("Wrong user name or password."));

        HttpResponse<String> login =
                c.post("/login", Map.of("username", name, "password", "p4ssword!", "next", "/tasks"));
        assertEquals(302, login.statusCode());
        assertTrue(login.headers().firstValue("Location").orElseThrow().endsWith("/tasks"));
        String loggedIn = c.cookie();
        assertNotEquals(anonymous, loggedIn, "log-in gives the session a new cookie value");
        if (server.sessions().engine().storesRecords()) {
            assertFalse(server.sessions().session(anonymous).exists(anonymous), "the pre-login record is gone");
        }
        HttpResponse<String> cart = c.get("/cart");
        assertTrue(cart.body().contains("<li>apple</li><li>pear &amp; &lt;plum&gt;</li>"), cart.body());
        String home = c.get("/").body();
        assertTrue(
                home.contains("<td class=\"v\">[&quot;apple&quot;,&quot;pear &amp; &lt;plum&gt;&quot;]</td>"),
                "the session table shows the stored JSON, escaped: " + home);

        assertEquals(200, c.get("/tasks").statusCode());
        assertEquals(
                302, c.post("/tasks", Map.of("task", "<b>write the docs</b>")).statusCode());
        HttpResponse<String> list = c.get("/tasks");
        assertTrue(list.body().contains("<li>&lt;b&gt;write the docs&lt;/b&gt;</li>"), list.body());
        long before = visits(c.get("/"));
        String beforeLogout = c.cookie();

        assertEquals(405, c.get("/logout").statusCode(), "log-out is POST only");
        HttpResponse<String> logout = c.post("/logout", Map.of());
        assertEquals(302, logout.statusCode());
        assertTrue(c.setCookie(logout).startsWith(DELETED), c.setCookie(logout));
        assertNull(c.cookie());
        assertTrue(c.get("/login?logged_out=1").body().contains("You are logged out"));

        // Replay the cookie the browser held just before logging out.
        c.cookie(beforeLogout);
        long replayed = visits(c.get("/"));
        if (server.sessions().engine().storesRecords()) {
            assertEquals(1, replayed, "the record was deleted: a new session starts");
        } else {
            // Django's documented limit of cookie sessions: the old cookie still decodes...
            assertEquals(before + 1, replayed);
        }
        c.cookie(beforeLogout);
        HttpResponse<String> again = c.get("/tasks");
        assertEquals(302, again.statusCode(), "...but it no longer logs anyone in");
        assertTrue(again.headers().firstValue("Location").orElseThrow().endsWith("/login?next=/tasks"));
        assertTrue(c.setCookie(again).startsWith(DELETED), "the replayed session is thrown away");
    }

    @Test
    void aPasswordChange_logsOutOtherSessions() throws Exception {
        String name = newUsername();
        TestClient c = client("memory");
        c.post("/signup", Map.of("username", name, "password", "first password"));
        assertEquals(200, c.get("/tasks").statusCode());
        User user = memory.users().findByUsername(name).orElseThrow();
        memory.users().updatePassword(user.id(), new Passwords(100_000).hash("second password"));
        HttpResponse<String> after = c.get("/tasks");
        assertEquals(302, after.statusCode(), "verify() runs on every request and flushes a stale hash");
        assertTrue(c.setCookie(after).startsWith(DELETED));
    }

    @Test
    void next_onlyRedirectsWithinTheSite() throws Exception {
        String name = newUsername();
        client("memory").post("/signup", Map.of("username", name, "password", "p4ssword!"));
        for (String next : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example", "tasks"}) {
            TestClient c = client("memory");
            HttpResponse<String> r = c.post("/login", Map.of("username", name, "password", "p4ssword!", "next", next));
            assertEquals(302, r.statusCode());
            String location = r.headers().firstValue("Location").orElseThrow();
            assertTrue(
                    location.equals("/") || location.matches("http://127\\.0\\.0\\.1:\\d+/"), next + " -> " + location);
        }
    }

    @Test
    void unknownPages_are404_andTouchNoSession() throws Exception {
        TestClient c = client("memory");
        HttpResponse<String> r = c.get("/favicon.ico");
        assertEquals(404, r.statusCode());
        assertNull(c.setCookie(r));
        assertEquals(404, c.get("/session/nothing").statusCode());
        assertEquals(404, c.get("/index.html").statusCode());
    }

    @Test
    void theCookie_carriesTheConfiguredFlags() throws Exception {
        Properties p = config("memory");
        p.setProperty("satchel.cookie.same-site", "Strict");
        p.setProperty("satchel.cookie.age", "3600");
        p.setProperty(DemoServer.USERS_URL, "jdbc:sqlite:" + dir.resolve("flags/users.sqlite3"));
        try (DemoServer strict = DemoServer.start(p)) {
            TestClient c = new TestClient(strict.baseUri(), "sessionid");
            String line = c.setCookie(c.get("/"));
            assertNotNull(line);
            assertTrue(
                    line.matches(
                            "sessionid=[a-z0-9]{32}; expires=.* GMT; HttpOnly; Max-Age=3600; Path=/; SameSite=Strict"),
                    line);
        }
    }

    @Test
    void aBadSetting_isRefusedAtStart_namingIt() {
        Properties p = config("memory");
        p.setProperty("satchel.cookie.same-site", "Sometimes");
        SessionConfigurationException e = assertThrows(SessionConfigurationException.class, () -> DemoServer.start(p));
        assertTrue(e.getMessage().contains("satchel.cookie.same-site"), e.getMessage());
        Properties port = config("memory");
        port.setProperty(DemoServer.PORT, "eighty");
        assertThrows(SessionConfigurationException.class, () -> DemoServer.start(port));
    }
}
