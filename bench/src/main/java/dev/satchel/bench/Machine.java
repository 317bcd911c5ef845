package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import redis.clients.jedis.JedisPooled;

/** The machine, JVM and store versions a report was measured on. */
public final class Machine {
    private final Map<String, String> facts;

    private Machine(Map<String, String> facts) {
        this.facts = facts;
    }

    /** The facts as a map, in report order. */
    public Map<String, String> facts() {
        return facts;
    }

    /** Looks up everything it can; a store that cannot be asked is left out. */
    public static Machine describe(Set<EngineType> engines) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("CPU", cpuModel());
        f.put(
                "Cores (available to the JVM)",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        f.put("Memory", memory());
        f.put(
                "OS",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")");
        f.put(
                "JVM",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vm.vendor") + ")");
        f.put("JMH", "1.37");
        f.put("SQLite", sql("jdbc:sqlite::memory:", "SELECT sqlite_version()"));
        if (engines.contains(EngineType.DB_POSTGRES) || engines.contains(EngineType.CACHED_DB)) {
            f.put("PostgreSQL", sql(Stores.POSTGRES_URL, "SELECT version()"));
        }
        if (engines.contains(EngineType.DB_MARIADB)) {
            f.put("MariaDB", sql(Stores.MARIADB_URL, "SELECT version()"));
        }
        if (engines.contains(EngineType.CACHE_REDIS) || engines.contains(EngineType.CACHED_DB)) {
            f.put("Redis", redisVersion());
        }
        if (engines.contains(EngineType.CACHE_MEMCACHED)) {
            f.put("memcached", memcachedVersion());
        }
        return new Machine(f);
    }

    /** Writes the facts as JSON. */
    public void write(Path file) throws IOException {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), facts);
    }

    /** Reads facts written by {@link #write}. */
    @SuppressWarnings("unchecked")
    public static Machine read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Machine(new LinkedHashMap<>());
        }
        return new Machine(new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(java.util.Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    private static String sql(String url, String query) {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            String v = rs.getString(1);
            int comma = v.indexOf(',');
            return comma > 0 ? v.substring(0, comma) : v;
        } catch (Exception e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String redisVersion() {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        try (JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            for (String line : jedis.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return line.substring("redis_version:".length()).trim();
                }
            }
        } catch (RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
        return "unknown";
    }

    private static String memcachedVersion() {
        InetSocketAddress a = Stores.address(Stores.MEMCACHED_URL);
        MemcachedClient client = null;
        try {
            client = new XMemcachedClientBuilder(a.getHostString() + ":" + a.getPort()).build();
            return List.copyOf(client.getVersions().values()).toString().replaceAll("[\\[\\]]", "");
        } catch (Exception e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        } finally {
            if (client != null) {
                try {
                    client.shutdown();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }
}
