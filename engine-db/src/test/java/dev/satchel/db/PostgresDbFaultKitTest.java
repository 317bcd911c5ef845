package dev.satchel.db;

import dev.satchel.tck.StoreFault;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;

/**
 * The fault kit on a private PostgreSQL behind a TCP proxy: the server SIGKILLed and restarted
 * (crash recovery keeps every commit), the proxy frozen, and the server switched to read-only
 * ({@code default_transaction_read_only}), which answers every write with SQLState 25006.
 */
class PostgresDbFaultKitTest extends AbstractDbFaultKitTest {
    private static final String TABLE = TestDb.uniqueTable("satchel_fault");
    private static PrivatePostgres server;
    private static NioReactor reactor;
    private static TcpCrusher proxy;

    @BeforeAll
    static void start() throws Exception {
        server = PrivatePostgres.create();
        reactor = new NioReactor();
        proxy = proxy(reactor, server.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            reactor.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String url() {
        return via(server.url(), proxy);
    }

    @Override
    protected String table() {
        return TABLE;
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(
                StoreFault.of("postgresql killed -9 and restarted", () -> {
                    server.kill();
                    return () -> {
                        server.start();
                        awaitAnswers(url());
                    };
                }),
                StoreFault.of("postgresql frozen behind a proxy", () -> {
                    proxy.freeze();
                    return () -> {
                        proxy.unfreeze();
                        awaitAnswers(url());
                    };
                }),
                StoreFault.of("postgresql read-only (default_transaction_read_only)", () -> {
                    readOnly(true);
                    return () -> readOnly(false);
                }));
    }

    /** Switches the whole server and waits until a new connection sees the setting. */
    private static void readOnly(boolean on) throws SQLException, InterruptedException {
        server.sql(
                on
                        ? "ALTER SYSTEM SET default_transaction_read_only = on"
                        : "ALTER SYSTEM RESET default_transaction_read_only",
                "SELECT pg_reload_conf()");
        while (true) {
            try (Connection c = TestDb.connect(server.url());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW default_transaction_read_only")) {
                rs.next();
                if (rs.getString(1).equals(on ? "on" : "off")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }
}
