package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Every error reply a real Redis gives while the data is intact is {@link
 * SessionStoreUnavailableException} naming the reply, never "no session": the arriving user keeps
 * their key (no logout), a save during the condition raises, and once the condition clears the
 * previous version loads back. Each test starts its own redis-server with the flags that produce the
 * reply; the shared server is never touched.
 */
class RedisErrorReplyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Hang guard only: far above the timeout, so it fails only if a call really hangs. */
    private static final Duration GUARD = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static SessionManager manager(String url) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey("error-reply-tests")
                .engine("cache")
                .engineProperty(CacheSettings.URL, url)
                .engineProperty(CacheSettings.TIMEOUT, TIMEOUT.toString())
                .build());
    }

    private static SessionManager manager(LocalServer server) {
        return manager("redis://127.0.0.1:" + server.port());
    }

    /** A plain connection for the test's own commands (long timeout: it waits out conditions). */
    private static Jedis admin(LocalServer server) {
        return new Jedis("127.0.0.1", server.port(), 10_000);
    }

    /** Saves a session holding {@code a=1} and returns its key. */
    private static String saveOne(SessionManager sessions) {
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.save();
        return s.getSessionKey();
    }

    /** A session loaded before the condition, so a test can change and save it during the condition. */
    private static Session loaded(SessionManager sessions, String key) {
        Session s = sessions.session(key);
        assertEquals(1L, s.get("a"));
        return s;
    }

    /** Loading the session raises (no empty session) and the session keeps its key: no logout. */
    private static void loadRaises(SessionManager sessions, String key, String reply) {
        Session s = sessions.session(key);
        SessionStoreUnavailableException e = assertTimeoutPreemptively(
                GUARD,
                () -> assertThrows(
                        SessionStoreUnavailableException.class,
                        () -> s.get("a"),
                        "a " + reply + " reply must not read as \"no session\""));
        assertEquals(key, s.getSessionKey(), "the session keeps its key: the user is not logged out");
        assertTrue(e.getMessage().contains(reply), "the message names the reply: " + e.getMessage());
        System.out.printf("  load during %-11s -> %s%n", reply, e.getMessage());
    }

    /** Saving a changed session raises, naming the reply. */
    private static void saveRaises(Session session, String reply) {
        session.put("a", 2L);
        SessionStoreUnavailableException e = assertTimeoutPreemptively(
                GUARD, () -> assertThrows(SessionStoreUnavailableException.class, session::save));
        assertTrue(e.getMessage().contains(reply), "the message names the reply: " + e.getMessage());
        System.out.printf("  save during %-11s -> %s%n", reply, e.getMessage());
    }

    /** Creating a new session raises, naming the reply. */
    private static void createRaises(SessionManager sessions, String reply) {
        Session s = sessions.newSession();
        s.put("b", 1L);
        SessionStoreUnavailableException e =
                assertTimeoutPreemptively(GUARD, () -> assertThrows(SessionStoreUnavailableException.class, s::save));
        assertTrue(e.getMessage().contains(reply), "the message names the reply: " + e.getMessage());
    }

    /** After the condition the previous version loads back, and saving works again. */
    private static void intactAndWritable(SessionManager sessions, String key) {
        Session s = sessions.session(key);
        assertEquals(1L, s.get("a"), "the previous version is intact");
        s.put("a", 3L);
        s.save();
        assertEquals(3L, sessions.session(key).get("a"));
    }

    private static void await(String what, BooleanSupplier condition) {
        assertTimeoutPreemptively(
                GUARD,
                () -> {
                    while (!condition.getAsBoolean()) {
                        Thread.sleep(20);
                    }
                },
                what);
    }

    @Test
    void busy_aLongScript_isUnavailable_notALogout() throws Exception {
        try (LocalServer server = LocalServer.redis("--busy-reply-threshold", "100");
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            CompletableFuture<Void> script = CompletableFuture.runAsync(() -> {
                try (Jedis blocker = new Jedis("127.0.0.1", server.port(), 0)) {
                    blocker.eval("while true do end");
                } catch (JedisDataException killed) {
                    // SCRIPT KILL ends it with an error reply: expected.
                }
            });
            await("the script makes Redis answer BUSY", () -> {
                try {
                    admin.get("probe");
                    return false;
                } catch (JedisBusyException e) {
                    return true;
                }
            });
            loadRaises(sessions, key, "BUSY");
            saveRaises(session, "BUSY");
            createRaises(sessions, "BUSY");
            admin.scriptKill();
            script.get();
            intactAndWritable(sessions, key);
        }
    }

    @Test
    void loading_aRestartLoadingItsDataset_isUnavailable_notALogout() throws Exception {
        // 1500 keys at 2 ms each keep Redis answering LOADING for about 3 s after the restart.
        try (LocalServer server = LocalServer.redis(
                "--dir",
                dir.toString(),
                "--key-load-delay",
                "2000",
                "--loading-process-events-interval-bytes",
                "1024")) {
            String key;
            try (Jedis admin = admin(server);
                    SessionManager sessions = manager(server)) {
                key = saveOne(sessions);
                admin.eval("for i = 1, 1500 do redis.call('SET', 'filler:' .. i, 'x') end");
                admin.save();
            }
            server.kill();
            server.start();
            try (SessionManager sessions = manager(server)) {
                loadRaises(sessions, key, "LOADING");
                createRaises(sessions, "LOADING");
                try (Jedis admin = admin(server)) {
                    await("Redis finishes loading", () -> {
                        try {
                            return admin.ping().equals("PONG");
                        } catch (JedisDataException e) {
                            return false;
                        }
                    });
                }
                intactAndWritable(sessions, key);
            }
        }
    }

    @Test
    void masterDown_aReplicaThatLostItsMaster_isUnavailable_notALogout() {
        try (LocalServer server = LocalServer.redis();
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            admin.configSet("replica-serve-stale-data", "no");
            admin.replicaof("127.0.0.1", Servers.freePort()); // nothing listens there
            loadRaises(sessions, key, "MASTERDOWN");
            // The save of a loaded session is the conditional EVAL, whose first step is a read: a
            // replica without its master refuses it with MASTERDOWN (a plain SET would get READONLY).
            saveRaises(session, "MASTERDOWN");
            admin.replicaofNoOne();
            intactAndWritable(sessions, key);
        }
    }

    @Test
    void readOnly_aReadOnlyReplica_servesReads_andRefusesWritesAsUnavailable() {
        try (LocalServer server = LocalServer.redis("--replica-read-only", "yes");
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            admin.replicaof("127.0.0.1", Servers.freePort()); // stale data served, writes refused
            assertEquals(1L, sessions.session(key).get("a"), "reads still work on the replica");
            saveRaises(session, "READONLY");
            createRaises(sessions, "READONLY");
            admin.replicaofNoOne();
            intactAndWritable(sessions, key);
        }
    }

    @Test
    void outOfMemory_underNoeviction_refusesWritesAsUnavailable() {
        try (LocalServer server = LocalServer.redis("--maxmemory", "2mb", "--maxmemory-policy", "noeviction");
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            String filler = "x".repeat(1_000); // small: no big request buffer frees room after the refusal
            JedisDataException full = assertThrows(JedisDataException.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    admin.set("filler:" + i, filler);
                }
            });
            assertTrue(full.getMessage().startsWith("OOM"), full.getMessage());
            // Right at the limit, a refused request frees its buffer and a small write fits again; with the
            // limit at half the memory in use, every write is refused until the condition clears.
            admin.configSet("maxmemory", Long.toString(usedMemory(admin) / 2));
            assertEquals(1L, sessions.session(key).get("a"), "reads still work when memory is full");
            saveRaises(session, "OOM");
            createRaises(sessions, "OOM");
            admin.configSet("maxmemory", "0");
            intactAndWritable(sessions, key);
        }
    }

    private static long usedMemory(Jedis admin) {
        for (String line : admin.info("memory").split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()));
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    @Test
    void misconf_writesStoppedAfterAFailedBackgroundSave_areUnavailable() throws IOException {
        // As root, permissions cannot make BGSAVE fail; a working directory removed under Redis can.
        Path doomed = Files.createDirectory(dir.resolve("doomed"));
        try (LocalServer server =
                        LocalServer.redis("--dir", doomed.toString(), "--stop-writes-on-bgsave-error", "yes");
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            admin.configSet("save", "3600 1");
            Files.delete(doomed);
            admin.bgsave();
            await("the background save fails", () -> admin.info("persistence").contains("rdb_last_bgsave_status:err"));
            assertEquals(1L, sessions.session(key).get("a"), "reads still work");
            saveRaises(session, "MISCONF");
            createRaises(sessions, "MISCONF");
            admin.configSet("stop-writes-on-bgsave-error", "no");
            intactAndWritable(sessions, key);
        }
    }

    @Test
    void noperm_anAclThatForbidsTheCommand_isUnavailable_notALogout() {
        try (LocalServer server = LocalServer.redis("--user", "app", "on", ">app-pass", "~*", "&*", "+@all");
                Jedis admin = admin(server);
                SessionManager sessions = manager("redis://app:app-pass@127.0.0.1:" + server.port())) {
            String key = saveOne(sessions);
            Session session = loaded(sessions, key);
            admin.aclSetUser("app", "-@write");
            assertEquals(1L, sessions.session(key).get("a"), "reads are still allowed");
            saveRaises(session, "NOPERM");
            admin.aclSetUser("app", "-get");
            loadRaises(sessions, key, "NOPERM");
            admin.aclSetUser("app", "+@all");
            intactAndWritable(sessions, key);
        }
    }

    @Test
    void clusterDown_aNodeThatDoesNotServeTheSlot_isUnavailable_notALogout() {
        try (LocalServer server = LocalServer.redis(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        dir.resolve("nodes.conf").toString(),
                        "--dir",
                        dir.toString());
                Jedis admin = admin(server)) {
            admin.clusterAddSlotsRange(0, 16383);
            await("the one-node cluster is up", () -> admin.clusterInfo().contains("cluster_state:ok"));
            try (SessionManager sessions = manager(server)) {
                String key = saveOne(sessions);
                Session session = loaded(sessions, key);
                admin.clusterDelSlotsRange(0, 16383);
                loadRaises(sessions, key, "CLUSTERDOWN");
                saveRaises(session, "CLUSTERDOWN");
                admin.clusterAddSlotsRange(0, 16383);
                await("the one-node cluster is up again", () -> admin.clusterInfo()
                        .contains("cluster_state:ok"));
                intactAndWritable(sessions, key);
            }
        }
    }

    @Test
    void wrongType_someoneElsesValueUnderTheKey_isNoSession() {
        try (LocalServer server = LocalServer.redis();
                Jedis admin = admin(server);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            CacheSessionEngine engine = (CacheSessionEngine) sessions.engine();
            admin.del(engine.cacheKey(key));
            admin.lpush(engine.cacheKey(key), "not a session");
            Session s = sessions.session(key);
            assertEquals(null, s.get("a"), "a list under the key is not a session");
            assertEquals(null, s.getSessionKey(), "and its key is not adopted");
        }
    }
}
