package dev.satchel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one server that counts network round trips: a round trip is
 * a client's bytes arriving after the server's last reply (or first on a connection). Unlike a
 * server's command statistics, this counts what a client waits for: a Redis script is one round
 * trip however many commands it runs inside, a pipelined batch is one.
 */
final class RoundTripProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final AtomicLong exchanges = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Starts forwarding a free loopback port to the server of {@code url}. */
    RoundTripProxy(String url) throws IOException {
        this.target = Stores.address(url);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "round-trip-proxy-" + target.getPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Round trips through this proxy so far. */
    long exchanges() {
        return exchanges.get();
    }

    /** {@code url} with the server's host and port replaced by this proxy's, if it names that server. */
    String route(String url) {
        String server = target.getHostString() + ":" + target.getPort();
        return url.replace(server, "127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHostString(), target.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                // true while the last bytes went to the client: the client's next bytes start a round trip
                AtomicBoolean replied = new AtomicBoolean(true);
                pump(client, server, () -> {
                    if (replied.getAndSet(false)) {
                        exchanges.incrementAndGet();
                    }
                });
                pump(server, client, () -> replied.set(true));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("round-trip proxy: " + e);
                }
            }
        }
    }

    /** Copies {@code from} to {@code to}, running {@code beforeForward} ahead of each chunk. */
    private void pump(Socket from, Socket to, Runnable beforeForward) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            // Marked before forwarding: the peer may answer before a later mark lands.
                            beforeForward.run();
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException closed) {
                        // either side closed the connection
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "round-trip-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing
        }
        sockets.forEach(RoundTripProxy::closeQuietly);
    }
}
