package dev.satchel.db;

import dev.satchel.tck.StoreFault;
import dev.satchel.testing.Servers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;

/**
 * The fault kit on the shared MariaDB behind a TCP proxy that freezes: freezing the proxy cuts this
 * test's connections off without touching the server others use.
 */
class MariaDbFaultKitTest extends AbstractDbFaultKitTest {
    private static final String TABLE = TestDb.uniqueTable("satchel_fault");
    private static NioReactor reactor;
    private static TcpCrusher proxy;

    @BeforeAll
    static void start() throws Exception {
        Servers.require("MariaDB", Servers.MARIADB_URL);
        reactor = new NioReactor();
        proxy = proxy(reactor, Servers.MARIADB_URL);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
            reactor.close();
        }
        TestDb.drop(Servers.MARIADB_URL, TABLE);
    }

    @Override
    protected String url() {
        return via(Servers.MARIADB_URL, proxy);
    }

    @Override
    protected String table() {
        return TABLE;
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(StoreFault.of("mariadb frozen behind a proxy", () -> {
            proxy.freeze();
            return () -> {
                proxy.unfreeze();
                awaitAnswers(url());
            };
        }));
    }
}
