package dev.satchel.cache;

import dev.satchel.testing.Servers;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A netcrusher TCP proxy on a free loopback port in front of a local server: the engine connects
 * through it, and freezing it leaves every connection open while no byte passes.
 */
final class TcpProxy implements AutoCloseable {
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;

    TcpProxy(int targetPort) throws Exception {
        this.port = Servers.freePort();
        this.reactor = new NioReactor();
        this.crusher = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", port)
                .withConnectAddress("127.0.0.1", targetPort)
                .buildAndOpen();
    }

    int port() {
        return port;
    }

    void freeze() {
        crusher.freeze();
    }

    void unfreeze() {
        crusher.unfreeze();
    }

    @Override
    public void close() {
        crusher.close();
        reactor.close();
    }
}
