package dev.satchel.db;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineFaultKit;
import dev.satchel.testing.Servers;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * engine-tck's fault kit on one database: the engine is configured through {@code satchel.db.*}
 * with a one-second timeout, so a frozen store costs one second per call.
 */
abstract class AbstractDbFaultKitTest extends SessionEngineFaultKit {
    /** The longest a call waits for the database while a fault is injected. */
    static final String TIMEOUT = "1";

    /** The JDBC URL the engine uses (through the proxy, where there is one). */
    protected abstract String url();

    /** The table of this class's sessions. */
    protected abstract String table();

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engineProperty(DbSettings.URL, url())
                .engineProperty(DbSettings.TABLE, table())
                .engineProperty(DbSettings.TIMEOUT, TIMEOUT);
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return DbSessionEngine.create(context);
    }

    /**
     * A TCP proxy from a free loopback port to the server of {@code url}. While frozen it passes no
     * byte either way; a connection opened while it is frozen is frozen too. Freezing it does not
     * touch the server.
     */
    static TcpCrusher proxy(NioReactor reactor, String url) {
        URI uri = URI.create(url.substring(5));
        TcpCrusher[] holder = new TcpCrusher[1];
        holder[0] = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", Servers.freePort())
                .withConnectAddress(uri.getHost(), uri.getPort())
                .withDeferredListeners(false)
                .withCreationListener(client -> {
                    if (holder[0] != null && holder[0].isFrozen()) {
                        holder[0].getClientFreezer(client).freeze();
                    }
                })
                .buildAndOpen();
        return holder[0];
    }

    /** {@code url} with its host and port replaced by the proxy's. */
    static String via(String url, TcpCrusher proxy) {
        URI uri = URI.create(url.substring(5));
        return url.replace(
                uri.getHost() + ":" + uri.getPort(),
                "127.0.0.1:" + proxy.getBindAddress().getPort());
    }

    /** Waits (up to a minute) until a fresh connection to {@code url} answers a query. */
    static void awaitAnswers(String url) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = TestDb.connect(url)) {
                c.createStatement().execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the database does not answer after the repair", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
    }
}
