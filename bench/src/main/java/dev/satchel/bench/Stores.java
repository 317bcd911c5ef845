package dev.satchel.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Where the servers are: the same {@code SATCHEL_*_URL} variables and loopback defaults as the
 * engines' tests. A server is used only when its port accepts a TCP connection.
 */
public final class Stores {
    public static final String POSTGRES_URL =
            env("SATCHEL_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    public static final String MARIADB_URL = env("SATCHEL_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    public static final String REDIS_URL = env("SATCHEL_REDIS_URL", "redis://127.0.0.1:6379");
    public static final String MEMCACHED_URL = env("SATCHEL_MEMCACHED_URL", "memcached://127.0.0.1:11211");

    private Stores() {}

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Host and port of a URL ({@code jdbc:} prefix allowed; the first host of a list). */
    public static InetSocketAddress address(String url) {
        String plain = url.startsWith("jdbc:") ? url.substring(5) : url;
        int comma = plain.indexOf(',');
        URI uri = URI.create(comma < 0 ? plain : plain.substring(0, comma));
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
    }

    /** Whether the server of {@code url} accepts a TCP connection within half a second. */
    public static boolean reachable(String url) {
        InetSocketAddress a = address(url);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 500);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
