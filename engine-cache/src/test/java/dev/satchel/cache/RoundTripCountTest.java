package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.spi.SessionRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Proves one round trip per operation by counting, on a private server this test owns (so no other
 * test's traffic is counted), the commands the server executed around each operation: Redis {@code
 * INFO commandstats}, memcached {@code stats}.
 */
class RoundTripCountTest {

    /** Counts per command since the server started, from {@code INFO commandstats} (INFO itself left out). */
    private static Map<String, Long> redisCounts(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            Map<String, Long> counts = new TreeMap<>();
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    String calls = line.substring(line.indexOf("calls=") + 6);
                    calls = calls.substring(0, calls.indexOf(','));
                    if (!name.equals("info")) {
                        counts.put(name, Long.parseLong(calls));
                    }
                }
            }
            return counts;
        }
    }

    private static final String[] MEMCACHED_COUNTERS = {
        "cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses", "cas_hits", "cas_misses", "cas_badval"
    };

    private static Map<String, Long> memcachedCounts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Map<String, Long> all = new TreeMap<>();
            for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
                String[] parts = line.split(" ");
                all.put(parts[1], parts[2].matches("\\d+") ? Long.parseLong(parts[2]) : 0L);
            }
            Map<String, Long> counts = new TreeMap<>();
            for (String c : MEMCACHED_COUNTERS) {
                counts.put(c, all.getOrDefault(c, 0L));
            }
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    private static Map<String, Long> counted(String store, String op, Supplier<Map<String, Long>> counts, Runnable r) {
        Map<String, Long> before = counts.get();
        r.run();
        Map<String, Long> d = delta(before, counts.get());
        System.out.printf("%-9s %-34s %s%n", store, op, d);
        return d;
    }

    private static SessionManager manager(String url) {
        return manager(url, ConflictPolicy.MERGE);
    }

    private static SessionManager manager(String url, ConflictPolicy policy) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey("round-trips")
                .engine("cache")
                .conflictPolicy(policy)
                .engineProperty(CacheSettings.URL, url)
                .build());
    }

    @Test
    void redis_oneCommandPerOperation() {
        try (LocalServer server = LocalServer.redis();
                SessionManager sessions = manager("redis://127.0.0.1:" + server.port())) {
            Supplier<Map<String, Long>> c = () -> redisCounts(server.port());
            CacheSessionEngine engine = (CacheSessionEngine) sessions.engine();
            sessions.session(SessionKeys.generate()).get("warm-up"); // opens the pooled connection

            Session s = sessions.newSession();
            s.put("a", 1L);
            assertEquals(Map.of("set", 1L), counted("redis", "create (SET NX EX)", c, s::save));
            String key = s.getSessionKey();
            Session loaded = sessions.session(key);
            assertEquals(Map.of("get", 1L), counted("redis", "load (GET)", c, () -> loaded.get("a")));
            loaded.put("a", 2L);
            // The save of a loaded session is conditional (satchel.conflicts=merge): one EVAL round trip;
            // Redis also counts the GET and SET the script ran inside the server.
            assertEquals(
                    Map.of("eval", 1L, "get", 1L, "set", 1L),
                    counted("redis", "update (conditional EVAL)", c, loaded::save));
            try (SessionManager overwriting = manager("redis://127.0.0.1:" + server.port(), ConflictPolicy.OVERWRITE)) {
                Session plain = overwriting.session(key);
                plain.get("a");
                plain.put("a", 3L);
                assertEquals(Map.of("set", 1L), counted("redis", "update (SET XX EX)", c, plain::save));
            }
            assertEquals(Map.of("exists", 1L), counted("redis", "exists (EXISTS)", c, () -> engine.exists(key)));
            SessionRecord record = engine.load(key).orElseThrow();
            SessionRecord next =
                    SessionRecord.of(record.data(), java.time.Instant.now().plusSeconds(60));
            Map<String, Long> cas = counted("redis", "conditional save (EVAL)", c, () -> engine.conditionalSave()
                    .orElseThrow()
                    .saveIfUnchanged(key, next, record.version()));
            // One EVAL round trip; Redis also counts the GET and SET the script ran inside the server.
            assertEquals(Map.of("eval", 1L, "get", 1L, "set", 1L), cas);
            assertEquals(Map.of("del", 1L), counted("redis", "delete (DEL)", c, () -> engine.delete(key)));
            assertEquals(
                    Map.of(),
                    counted(
                            "redis",
                            "hostile key (no call)",
                            c,
                            () -> assertNull(sessions.session("abc def ghi jkl").get("a"))));
        }
    }

    @Test
    void memcached_oneCommandPerOperation() {
        try (LocalServer server = LocalServer.memcached();
                SessionManager sessions = manager("memcached://127.0.0.1:" + server.port())) {
            Supplier<Map<String, Long>> c = () -> memcachedCounts(server.port());
            CacheSessionEngine engine = (CacheSessionEngine) sessions.engine();
            sessions.session(SessionKeys.generate()).get("warm-up");

            Session s = sessions.newSession();
            s.put("a", 1L);
            assertEquals(Map.of("cmd_set", 1L), counted("memcached", "create (add)", c, s::save));
            String key = s.getSessionKey();
            Session loaded = sessions.session(key);
            assertEquals(Map.of("cmd_get", 1L), counted("memcached", "load (gets)", c, () -> loaded.get("a")));
            loaded.put("a", 2L);
            // The save of a loaded session is conditional (satchel.conflicts=merge): one cas.
            assertEquals(Map.of("cmd_set", 1L, "cas_hits", 1L), counted("memcached", "update (cas)", c, loaded::save));
            try (SessionManager overwriting =
                    manager("memcached://127.0.0.1:" + server.port(), ConflictPolicy.OVERWRITE)) {
                Session plain = overwriting.session(key);
                plain.get("a");
                plain.put("a", 3L);
                assertEquals(Map.of("cmd_set", 1L), counted("memcached", "update (replace)", c, plain::save));
            }
            assertEquals(Map.of("cmd_get", 1L), counted("memcached", "exists (get)", c, () -> engine.exists(key)));
            SessionRecord record = engine.load(key).orElseThrow();
            SessionRecord next =
                    SessionRecord.of(record.data(), java.time.Instant.now().plusSeconds(60));
            assertEquals(
                    Map.of("cmd_set", 1L, "cas_hits", 1L),
                    counted("memcached", "conditional save (cas)", c, () -> engine.conditionalSave()
                            .orElseThrow()
                            .saveIfUnchanged(key, next, record.version())));
            assertEquals(
                    Map.of("delete_hits", 1L), counted("memcached", "delete (delete)", c, () -> engine.delete(key)));
            assertEquals(
                    Map.of(),
                    counted(
                            "memcached",
                            "hostile key (no call)",
                            c,
                            () -> assertNull(sessions.session("abc def ghi jkl").get("a"))));
        }
    }
}
