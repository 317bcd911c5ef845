package dev.satchel.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The peers: Spring Session's repositories doing the same request cycle with the same attributes,
 * each paired with the Satchel engine on the same store.
 */
public enum PeerType {
    SPRING_MAP("Spring Session MapSessionRepository", EngineType.CACHE_CAFFEINE, List.of()) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            return new Peer(new MapSessionRepository(new ConcurrentHashMap<>()), List.of());
        }
    },
    SPRING_REDIS("Spring Session RedisSessionRepository", EngineType.CACHE_REDIS, List.of(Stores.REDIS_URL)) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            InetSocketAddress a = Stores.address(Stores.REDIS_URL);
            JedisConnectionFactory factory =
                    new JedisConnectionFactory(new RedisStandaloneConfiguration(a.getHostString(), a.getPort()));
            factory.afterPropertiesSet();
            factory.start();
            RedisTemplate<String, Object> template = new RedisTemplate<>();
            template.setConnectionFactory(factory);
            template.setKeySerializer(new StringRedisSerializer());
            template.setHashKeySerializer(new StringRedisSerializer());
            template.setValueSerializer(new JdkSerializationRedisSerializer());
            template.setHashValueSerializer(new JdkSerializationRedisSerializer());
            template.afterPropertiesSet();
            RedisSessionRepository repo = new RedisSessionRepository(template);
            repo.setRedisKeyNamespace(id);
            repo.setDefaultMaxInactiveInterval(Duration.ofHours(1));
            return new Peer(repo, List.of(() -> EngineType.deleteRedisKeys(id), factory::destroy));
        }
    },
    SPRING_JDBC(
            "Spring Session JdbcIndexedSessionRepository (PostgreSQL)",
            EngineType.DB_POSTGRES,
            List.of(Stores.POSTGRES_URL)) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(Stores.POSTGRES_URL);
            config.setPoolName("spring-" + id);
            HikariDataSource pool = new HikariDataSource(config);
            DataSource ds = counter == null ? pool : counter.wrap(pool);
            String table = "spring_" + id;
            createSchema(pool, table);
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            JdbcIndexedSessionRepository repo = new JdbcIndexedSessionRepository(jdbc, tx);
            repo.setTableName(table);
            repo.setDefaultMaxInactiveInterval(Duration.ofHours(1));
            return new Peer(
                    repo,
                    List.of(
                            () -> {
                                EngineType.dropTable(Stores.POSTGRES_URL, table + "_attributes");
                                EngineType.dropTable(Stores.POSTGRES_URL, table);
                            },
                            pool::close));
        }
    };

    private final String label;
    private final EngineType satchel;
    private final List<String> servers;

    PeerType(String label, EngineType satchel, List<String> servers) {
        this.label = label;
        this.satchel = satchel;
        this.servers = servers;
    }

    /** How the report names the peer. */
    public String label() {
        return label;
    }

    /** The Satchel engine on the same store. */
    public EngineType satchel() {
        return satchel;
    }

    /** Whether its servers answer. */
    public boolean available() {
        return servers.stream().allMatch(Stores::reachable);
    }

    /** Whether it runs without any server. */
    public boolean embedded() {
        return servers.isEmpty();
    }

    abstract Peer build(String id, CountingDataSource counter);

    /** Opens the repository with unique server-side names; {@code counter} counts JDBC statements if given. */
    public Peer open(CountingDataSource counter) {
        String id = "springbench" + Long.toString(System.nanoTime() & 0xffffffffL, 36);
        return build(id, counter);
    }

    /** Spring Session's own PostgreSQL schema, with the table names made unique. */
    static void createSchema(DataSource ds, String table) {
        String script;
        try (InputStream in = JdbcIndexedSessionRepository.class.getResourceAsStream(
                "/org/springframework/session/jdbc/schema-postgresql.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        script = script.replace("SPRING_SESSION", table.toUpperCase(java.util.Locale.ROOT));
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            for (String sql : script.split(";")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the Spring Session schema", e);
        }
    }

    /** An open repository and how to clean up after it. */
    public static final class Peer implements AutoCloseable {
        private final SessionRepository<Session> repo;
        private final List<Runnable> cleanups;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Peer(SessionRepository<? extends Session> repo, List<Runnable> cleanups) {
            this.repo = (SessionRepository) repo;
            this.cleanups = new ArrayList<>(cleanups);
        }

        /** Stores a new session holding every entry of {@code data}; returns its id. */
        public String create(Map<String, Object> data) {
            Session s = repo.createSession();
            data.forEach(s::setAttribute);
            repo.save(s);
            return s.getId();
        }

        /** Finds a session and reads every attribute (as a Satchel load decodes every key). */
        public int load(String id) {
            Session s = repo.findById(id);
            int n = 0;
            for (String name : s.getAttributeNames()) {
                if (s.getAttribute(name) != null) {
                    n++;
                }
            }
            return n;
        }

        /** Finds a session, for {@code save} to modify. */
        public Session find(String id) {
            return repo.findById(id);
        }

        /** Saves a found session after changing one attribute. */
        public void save(Session s, long counter) {
            s.setAttribute("bench_counter", counter);
            repo.save(s);
        }

        /** The request cycle: find, change one attribute, save. */
        public String cycle(String id, long counter) {
            Session s = repo.findById(id);
            s.setAttribute("bench_counter", counter);
            repo.save(s);
            return s.getId();
        }

        /**
         * One request of the parallel-requests benchmark, as {@code SessionRepositoryFilter} drives the
         * repository: find, touch the last access time, read and change one attribute, save.
         *
         * @return the attribute's value before this request changed it, or {@code null} if it had none
         */
        public Long request(String id, String name, long value) {
            Session s = repo.findById(id);
            s.setLastAccessedTime(Instant.now());
            Object found = s.getAttribute(name);
            s.setAttribute(name, value);
            repo.save(s);
            return found == null ? null : ((Number) found).longValue();
        }

        /** The value of one attribute as stored now, or {@code null} if it has none. */
        public Long attribute(String id, String name) {
            Object found = repo.findById(id).getAttribute(name);
            return found == null ? null : ((Number) found).longValue();
        }

        @Override
        public void close() {
            for (Runnable r : cleanups) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    System.err.println("peer cleanup failed: " + e);
                }
            }
        }
    }
}
