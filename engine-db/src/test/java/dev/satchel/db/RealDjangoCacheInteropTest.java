package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.cache.CacheSettings;
import dev.satchel.internal.PythonFloatFormat;
import dev.satchel.testing.RealDjango;
import dev.satchel.testing.Servers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Satchel ({@code satchel.cache.value-format=django-pickle}) and real Django 3.2 sharing {@code cache}
 * and {@code cached_db} sessions live: Django's {@code PyMemcacheCache} on the shared memcached and
 * django-redis on the shared Redis, with one KEY_PREFIX per run (and VERSION 3); {@code cached_db}
 * over one SQLite file both open. Each direction is checked type-exact, and a logout on either side
 * is final on the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RealDjangoCacheInteropTest {
    private static final String SECRET = "shared-secret-between-django-and-satchel-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "3";

    @TempDir
    static Path dir;

    private final String prefix = "satchel-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, SessionManager> managers = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private Process django;
    private BufferedReader answers;
    private OutputStream commands;

    static Stream<Arguments> combos() {
        return Stream.of(
                Arguments.of("cache", "memcached"),
                Arguments.of("cache", "redis"),
                Arguments.of("cached_db", "memcached"),
                Arguments.of("cached_db", "redis"));
    }

    @BeforeAll
    void start() throws IOException {
        Servers.require("Redis", Servers.REDIS_URL);
        Servers.require("memcached", Servers.MEMCACHED_URL.replace("memcached://", "tcp://"));
        requirePythonPackages();
        Path sqlite = dir.resolve("shared.sqlite3");
        for (String engine : List.of("cache", "cached_db")) {
            for (String store : List.of("memcached", "redis")) {
                SessionSettings.Builder b = SessionSettings.builder()
                        .secretKey(SECRET)
                        .cookieAgeSeconds(600)
                        .engine(engine)
                        .engineProperty(
                                CacheSettings.URL, store.equals("redis") ? Servers.REDIS_URL : Servers.MEMCACHED_URL)
                        .engineProperty(CacheSettings.KEY_PREFIX, prefix)
                        .engineProperty(CacheSettings.VERSION, VERSION)
                        .engineProperty(CacheSettings.VALUE_FORMAT, "django-pickle");
                if (engine.equals("cached_db")) {
                    b.engineProperty(DbSettings.URL, "jdbc:sqlite:" + sqlite); // creates django_session
                }
                managers.put(engine + "/" + store, SessionManager.open(b.build()));
            }
        }
        Path script = dir.resolve("django_cache_driver.py");
        try (InputStream in = getClass().getResourceAsStream("/dev/satchel/db/django_cache_driver.py")) {
            Files.write(script, in.readAllBytes());
        }
        String memcached = Servers.MEMCACHED_URL.substring("memcached://".length());
        django = new ProcessBuilder(
                        RealDjango.PYTHON,
                        script.toString(),
                        SECRET,
                        prefix,
                        VERSION,
                        memcached,
                        Servers.REDIS_URL,
                        sqlite.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        commands = django.getOutputStream();
        answers = new BufferedReader(new InputStreamReader(django.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Django, pymemcache and django-redis must import: under CI=true their absence fails the run. */
    private static void requirePythonPackages() throws IOException {
        RealDjango.require();
        Process p = new ProcessBuilder(RealDjango.PYTHON, "-c", "import pymemcache, django_redis")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        boolean ok;
        try {
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        String message = RealDjango.PYTHON + " cannot import pymemcache and django_redis: run scripts/test-deps"
                + " (apt-get install python3-pymemcache python3-django-redis)";
        if (!ok && Servers.isCi()) {
            fail(message + " (CI=true: a missing peer fails the run)");
        }
        assumeTrue(ok, message);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (django != null && django.isAlive() && !keys.isEmpty()) {
                Map<String, Object> cleanup = new LinkedHashMap<>();
                cleanup.put("op", "cleanup");
                cleanup.put("keys", keys);
                ask(cleanup);
            }
        } finally {
            if (django != null) {
                commands.close();
                if (!django.waitFor(30, TimeUnit.SECONDS)) {
                    django.destroyForcibly();
                }
            }
            for (SessionManager m : managers.values()) {
                m.close();
            }
        }
    }

    /** Sends one command to the Django driver and returns its answer; a Python error fails the test. */
    private JsonNode ask(Map<String, Object> command) throws IOException {
        commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String line = answers.readLine();
        assertNotNull(line, "the Django driver exited");
        JsonNode answer = JSON.readTree(line);
        if (answer.has("error")) {
            fail("Django: " + answer.get("error").asText() + " for " + command);
        }
        return answer;
    }

    private JsonNode ask(String op, String engine, String store, String key, Object... more) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("op", op);
        c.put("engine", engine);
        c.put("cache", store);
        c.put("key", key);
        for (int i = 0; i < more.length; i += 2) {
            c.put((String) more[i], more[i + 1]);
        }
        return ask(c);
    }

    private String djangoSaves(String engine, String store, String data) throws IOException {
        String key = ask("save", engine, store, null, "data", data).get("key").asText();
        keys.add(key);
        return key;
    }

    private JsonNode djangoLoads(String engine, String store, String key) throws IOException {
        return ask("load", engine, store, key).get("data");
    }

    private String satchelSaves(String engine, String store, Map<String, Object> data) {
        Session s = managers.get(engine + "/" + store).newSession();
        s.putAll(data);
        s.save();
        keys.add(s.getSessionKey());
        return s.getSessionKey();
    }

    private Session satchel(String engine, String store, String key) {
        return managers.get(engine + "/" + store).session(key);
    }

    private static Map<String, Object> contents(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("combos")
    void djangoWrites_satchelReadsTypeExact_andWritesBack_djangoReads(String engine, String store) throws IOException {
        String key = djangoSaves(
                engine,
                store,
                "{'user': 'ana', 'n': 7, 'neg': -129, 'big': 1180591620717411303424, 'f': 1.25,"
                        + " 't': (1, 'two', None), 'ok': True, 'nested': {'l': [1, [2, '\\xe9']]},"
                        + " 'emoji': '\\U0001F600', '_session_expiry': 300}");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("user", "ana");
        expected.put("n", 7L);
        expected.put("neg", -129L);
        expected.put("big", BigInteger.TWO.pow(70));
        expected.put("f", 1.25);
        expected.put("t", Arrays.asList(1L, "two", null)); // a tuple reads as a list
        expected.put("ok", true);
        expected.put("nested", Map.of("l", List.of(1L, List.of(2L, "\u00e9"))));
        expected.put("emoji", "\ud83d\ude00");
        expected.put("_session_expiry", 300L);

        Session s = satchel(engine, store, key);
        assertEquals(expected, contents(s), "Satchel reads Django's pickle, type-exact");
        assertEquals(key, s.getSessionKey());
        s.put("satchel", List.of(1L, 2.5, "x"));
        s.remove("neg");
        s.save();
        assertEquals(key, s.getSessionKey());

        JsonNode fromDjango = djangoLoads(engine, store, key);
        assertEquals(tag(contents(s)), fromDjango, "Django reads Satchel's write-back, type-exact");
        if (engine.equals("cached_db")) {
            assertEquals(tag(contents(s)), djangoLoads("db", store, key), "and the database row too");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("combos")
    void satchelWrites_djangoReadsTypeExact_andWritesBack_satchelReads(String engine, String store) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("_auth_user_id", "42");
        data.put("count", 3L);
        data.put("huge", BigInteger.TEN.pow(30).negate());
        data.put("ratio", 0.1);
        data.put("flags", List.of(true, false));
        data.put("none", null);
        data.put("profile", Map.of("name", "Zo\u00eb", "tags", List.of()));
        data.put("gone", "soon");
        String key = satchelSaves(engine, store, data);
        assertEquals(tag(data), djangoLoads(engine, store, key), "Django reads Satchel's pickle, type-exact");

        ask("update", engine, store, key, "data", "{'count': 4, 'from_django': 2.5}", "remove", List.of("gone"));
        Map<String, Object> expected = new LinkedHashMap<>(data);
        expected.remove("gone");
        expected.put("count", 4L);
        expected.put("from_django", 2.5);
        Session s = satchel(engine, store, key);
        assertEquals(expected, contents(s), "Satchel reads Django's write-back, type-exact");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("combos")
    void djangoLogout_afterSatchelLogin_isFinalInSatchel(String engine, String store) throws IOException {
        String key = satchelSaves(engine, store, Map.of("_auth_user_id", "7"));
        assertEquals("7", satchel(engine, store, key).get("_auth_user_id"));
        ask("logout", engine, store, key);
        Session s = satchel(engine, store, key);
        assertEquals(Map.of(), contents(s), "Satchel sees the logout");
        assertNull(s.getSessionKey(), "and drops the key");
        if (engine.equals("cached_db")) {
            assertFalse(ask("row_exists", engine, store, key).get("exists").asBoolean(), "the row is gone");
            assertFalse(satchel(engine, store, key).exists(key));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("combos")
    void satchelLogout_afterDjangoLogin_isFinalInDjango(String engine, String store) throws IOException {
        String key = djangoSaves(engine, store, "{'_auth_user_id': '9'}");
        Session s = satchel(engine, store, key);
        assertEquals("9", s.get("_auth_user_id"));
        s.flush();
        assertEquals(tag(Map.of()), djangoLoads(engine, store, key), "Django sees the logout");
        if (engine.equals("cached_db")) {
            assertFalse(ask("row_exists", engine, store, key).get("exists").asBoolean(), "the row is gone");
            assertEquals(
                    tag(Map.of()),
                    ask("cache_get", engine, store, key).get("value"),
                    "Django's cache layer reads the tombstone as an empty dict");
        } else {
            assertEquals(tag(null), ask("cache_get", engine, store, key).get("value"), "the entry is gone");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("combos")
    void valuesThatAreNoPlainSessionDict_loadEmptyInSatchel(String engine, String store) throws IOException {
        for (String value : List.of(
                "{'when': datetime.datetime(2024, 1, 2, 3, 4), 'x': 1}", "42", "'text'", "[1, 2]", "{1: 'int key'}")) {
            String key = satchelSaves(engine, store, Map.of("_auth_user_id", "5"));
            ask("cache_set", engine, store, key, "value", value);
            Session s = satchel(engine, store, key);
            assertEquals(Map.of(), contents(s), value + " is no session for Satchel");
        }
    }

    /** The value as the driver's tag() describes it (lists, never tuples: Satchel writes lists). */
    static JsonNode tag(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode a = f.arrayNode();
        if (v == null) {
            return a.add("None");
        }
        if (v instanceof Boolean b) {
            return a.add("bool").add(b);
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return a.add("int").add(v.toString());
        }
        if (v instanceof Double d) {
            return a.add("float").add(PythonFloatFormat.repr(d));
        }
        if (v instanceof String s) {
            return a.add("str").add(s);
        }
        if (v instanceof List<?> list) {
            ArrayNode items = f.arrayNode();
            list.forEach(x -> items.add(tag(x)));
            return a.add("list").add(items);
        }
        if (v instanceof Map<?, ?> map) {
            ArrayNode items = f.arrayNode();
            map.forEach((k, x) -> items.add(f.arrayNode().add((String) k).add(tag(x))));
            return a.add("dict").add(items);
        }
        return a.add("unexpected").add(v.getClass().getName());
    }
}
