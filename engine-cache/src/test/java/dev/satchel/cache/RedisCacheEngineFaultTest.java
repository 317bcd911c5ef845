package dev.satchel.cache;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineFaultKit;
import dev.satchel.tck.StoreFault;
import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fault kit against the cache engine on a private Redis (append-only file, fsync on every write,
 * so acknowledged saves survive a crash), reached through a TCP proxy. Faults: the server killed -9
 * and restarted on the same port, the proxy frozen, a long script making Redis answer {@code BUSY},
 * and the server turned into a replica of a dead master answering {@code MASTERDOWN}/{@code READONLY}.
 */
class RedisCacheEngineFaultTest extends SessionEngineFaultKit {
    /** Short, so a frozen store costs little per call. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static Path dir;
    private static LocalServer server;
    private static TcpProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("satchel-redis-faults");
        server = LocalServer.redis(
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--busy-reply-threshold",
                "100");
        proxy = new TcpProxy(server.port());
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engine("cache")
                .engineProperty(CacheSettings.URL, "redis://127.0.0.1:" + proxy.port())
                .engineProperty(CacheSettings.TIMEOUT, TIMEOUT.toString());
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CacheSessionEngine.create(context);
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(
                StoreFault.of("redis killed -9 and restarted (appendfsync always)", RedisCacheEngineFaultTest::kill),
                StoreFault.of("redis frozen behind a proxy", RedisCacheEngineFaultTest::freeze),
                StoreFault.of("redis busy with a long script (BUSY)", RedisCacheEngineFaultTest::busy),
                StoreFault.of("redis a replica of a dead master (MASTERDOWN)", RedisCacheEngineFaultTest::masterDown));
    }

    private static Jedis admin() {
        return new Jedis("127.0.0.1", server.port(), 10_000);
    }

    private static AutoCloseable kill() {
        server.kill();
        return () -> {
            server.start();
            awaitAnswers();
        };
    }

    private static AutoCloseable freeze() {
        proxy.freeze();
        return () -> {
            proxy.unfreeze();
            awaitAnswers();
        };
    }

    private static AutoCloseable busy() throws Exception {
        CompletableFuture<Void> script = CompletableFuture.runAsync(() -> {
            try (Jedis blocker = new Jedis("127.0.0.1", server.port(), 0)) {
                blocker.eval("while true do end");
            } catch (JedisDataException killed) {
                // SCRIPT KILL ends it with an error reply: expected.
            }
        });
        try (Jedis admin = admin()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try {
                    admin.get("probe");
                } catch (JedisBusyException e) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Redis never answered BUSY");
                }
                Thread.sleep(10);
            }
        }
        return () -> {
            try (Jedis admin = admin()) {
                admin.scriptKill();
            }
            script.get(15, TimeUnit.SECONDS);
            awaitAnswers();
        };
    }

    private static AutoCloseable masterDown() {
        try (Jedis admin = admin()) {
            admin.configSet("replica-serve-stale-data", "no");
            admin.replicaof("127.0.0.1", Servers.freePort()); // nothing listens there
        }
        return () -> {
            try (Jedis admin = admin()) {
                admin.replicaofNoOne();
            }
            awaitAnswers();
        };
    }

    /** Returns once Redis answers a write through the proxy (not LOADING, not frozen, a master). */
    private static void awaitAnswers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Jedis probe = new Jedis("127.0.0.1", proxy.port(), 2_000)) {
                probe.set("fault-kit:probe", "1");
                return;
            } catch (JedisException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Redis did not answer again within 30 s", e);
                }
                Thread.sleep(50);
            }
        }
    }
}
