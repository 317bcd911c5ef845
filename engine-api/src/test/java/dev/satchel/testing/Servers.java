package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * Where the test servers are and what to do when one is down. Addresses come from environment
 * variables with loopback defaults. With {@code CI=true} an unreachable server fails the test;
 * elsewhere the test is skipped with a message saying how to start the servers.
 */
public final class Servers {
    /** PostgreSQL: {@code SATCHEL_POSTGRES_URL}, a JDBC URL. */
    public static final String POSTGRES_URL =
            env("SATCHEL_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    /** MariaDB: {@code SATCHEL_MARIADB_URL}, a JDBC URL. */
    public static final String MARIADB_URL = env("SATCHEL_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    /** Redis: {@code SATCHEL_REDIS_URL}. */
    public static final String REDIS_URL = env("SATCHEL_REDIS_URL", "redis://127.0.0.1:6379");
    /** memcached: {@code SATCHEL_MEMCACHED_URL}. */
    public static final String MEMCACHED_URL = env("SATCHEL_MEMCACHED_URL", "memcached://127.0.0.1:11211");

    private Servers() {}

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Whether this run is CI ({@code CI=true}), where a missing server is a failure. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Makes the calling test fail (in CI) or skip (elsewhere) unless {@code host:port} accepts a TCP
     * connection within two seconds.
     */
    public static void require(String name, String host, int port) {
        if (reachable(host, port)) {
            return;
        }
        String message = name + " is not reachable at " + host + ":" + port
                + "; start the test servers with scripts/services (or set its SATCHEL_*_URL)";
        if (isCi()) {
            fail(message + " (CI=true: a missing server fails the run)");
        }
        assumeTrue(false, message);
    }

    /** Like {@link #require(String, String, int)}, taking host and port from a URL. */
    public static void require(String name, String url) {
        String plain = url.startsWith("jdbc:") ? url.substring(5) : url;
        String first = plain.contains(",") ? plain.substring(0, plain.indexOf(',')) : plain;
        URI uri = URI.create(first);
        require(name, uri.getHost(), uri.getPort());
    }

    /** Whether {@code host:port} accepts a TCP connection within two seconds. */
    public static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A TCP port that was free a moment ago, for a private server or proxy a test starts itself. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
