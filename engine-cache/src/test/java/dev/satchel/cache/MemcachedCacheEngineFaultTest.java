package dev.satchel.cache;

import dev.satchel.SessionKeys;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineFaultKit;
import dev.satchel.tck.StoreFault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fault kit against the cache engine on a private memcached reached through a TCP proxy. Faults:
 * the server killed -9 and restarted on the same port (memcached keeps nothing: sessions may come back
 * empty, never wrong), and the proxy frozen.
 */
class MemcachedCacheEngineFaultTest extends SessionEngineFaultKit {
    /** Short, so a frozen store costs little per call. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static LocalServer server;
    private static TcpProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        server = LocalServer.memcached();
        proxy = new TcpProxy(server.port());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engine("cache")
                .engineProperty(CacheSettings.URL, "memcached://127.0.0.1:" + proxy.port())
                .engineProperty(CacheSettings.TIMEOUT, TIMEOUT.toString());
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CacheSessionEngine.create(context);
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(
                StoreFault.losingData("memcached killed -9 and restarted (loses its data)", this::kill),
                StoreFault.of("memcached frozen behind a proxy", this::freeze));
    }

    private AutoCloseable kill() {
        server.kill();
        return () -> {
            server.start();
            awaitAnswers();
        };
    }

    private AutoCloseable freeze() {
        proxy.freeze();
        return () -> {
            proxy.unfreeze();
            awaitAnswers();
        };
    }

    /**
     * Returns once the engine's own client answers again: xmemcached reconnects in the background
     * (within a second), and until then the outage is not over for the application either.
     */
    private void awaitAnswers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                sessions().engine().exists(SessionKeys.generate());
                return;
            } catch (SessionStoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("memcached did not answer again within 30 s", e);
                }
                Thread.sleep(50);
            }
        }
    }
}
