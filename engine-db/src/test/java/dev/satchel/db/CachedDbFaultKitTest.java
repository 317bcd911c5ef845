package dev.satchel.db;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineFaultKit;
import dev.satchel.tck.StoreFault;
import dev.satchel.testing.Servers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * engine-tck's fault kit on cached_db: the shared PostgreSQL behind a TCP proxy, and a private
 * redis-server that persists every write ({@code appendfsync always}, so a kill keeps old entries:
 * the worst case for staleness) behind another proxy. Faults: the cache killed with SIGKILL and
 * restarted, the cache frozen, the database frozen.
 */
class CachedDbFaultKitTest extends SessionEngineFaultKit {
    private static Path redisDir;
    private static PrivateRedis redis;
    private static NioReactor reactor;
    private static TcpCrusher cacheProxy;
    private static TcpCrusher dbProxy;

    private final String table = TestDb.uniqueTable("satchel_cdbfault");

    @BeforeAll
    static void startStores() throws IOException {
        Servers.require("PostgreSQL", Servers.POSTGRES_URL);
        redisDir = Files.createTempDirectory("satchel-cdb-fault-redis");
        redis = PrivateRedis.start(redisDir, true);
        reactor = new NioReactor();
        cacheProxy = proxy(redis.port());
        dbProxy = proxy(5432);
    }

    @AfterAll
    static void stopStores() throws IOException {
        for (TcpCrusher c : new TcpCrusher[] {cacheProxy, dbProxy}) {
            if (c != null) {
                c.close();
            }
        }
        if (reactor != null) {
            reactor.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (redisDir != null) {
            try (var files = Files.walk(redisDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (UncheckedIOException ignored) {
                // best effort
            }
        }
    }

    /** A proxy to a loopback port; connections made while it is frozen are frozen too. */
    private static TcpCrusher proxy(int targetPort) {
        TcpCrusher[] holder = new TcpCrusher[1];
        holder[0] = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", Servers.freePort())
                .withConnectAddress("127.0.0.1", targetPort)
                .withDeferredListeners(false)
                .withCreationListener(client -> {
                    if (holder[0] != null && holder[0].isFrozen()) {
                        holder[0].getClientFreezer(client).freeze();
                    }
                })
                .buildAndOpen();
        return holder[0];
    }

    @Override
    protected SessionSettings.Builder settings() {
        String db = Servers.POSTGRES_URL.replace(
                "127.0.0.1:5432", "127.0.0.1:" + dbProxy.getBindAddress().getPort());
        return super.settings()
                .engineProperty(DbSettings.URL, db)
                .engineProperty(DbSettings.TABLE, table)
                .engineProperty(DbSettings.TIMEOUT, "PT1S")
                .engineProperty(
                        "satchel.cache.url",
                        "redis://127.0.0.1:" + cacheProxy.getBindAddress().getPort())
                .engineProperty("satchel.cache.timeout", "PT0.5S");
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CachedDbSessionEngine.create(context);
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(
                StoreFault.of("cache killed (SIGKILL, restarted with its persisted data)", () -> {
                    redis.kill();
                    return () -> {
                        redis.start();
                        awaitAnswers(redis.port());
                    };
                }),
                StoreFault.of("cache frozen (TCP proxy)", () -> {
                    cacheProxy.freeze();
                    return cacheProxy::unfreeze;
                }),
                StoreFault.of("database frozen (TCP proxy in front of PostgreSQL)", () -> {
                    dbProxy.freeze();
                    return dbProxy::unfreeze;
                }));
    }

    /** Waits until Redis answers PING on {@code port}. */
    private static void awaitAnswers(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(1000);
                s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] reply = new byte[7];
                if (s.getInputStream().read(reply) > 0
                        && new String(reply, java.nio.charset.StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis on " + port + " does not answer after its restart");
            }
            Thread.sleep(50);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void dropTable() {
        TestDb.drop(Servers.POSTGRES_URL, table);
    }
}
