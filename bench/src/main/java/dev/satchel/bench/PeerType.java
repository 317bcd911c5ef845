package dev.satchel.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.satchel.SessionSettings;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.cache.CacheSettings;
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
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The peers: Spring Session's repositories driven as its {@code SessionRepositoryFilter} drives them,
 * with the same attributes, each paired with the Satchel engine on the same store. Every session
 * lives one hour, as the benchmark's Satchel sessions do.
 */
public enum PeerType {
    /**
     * {@code MapSessionRepository} on a Caffeine map bounded like Satchel's Caffeine engine (its
     * default {@code satchel.cache.caffeine.maximum-size}, eviction on the writing thread): an
     * unbounded map would only grow during {@code create}, which Satchel's store never does.
     */
    SPRING_MAP(
            "Spring Session MapSessionRepository (Caffeine map, " + MapBound.MAXIMUM_SIZE + " entries)",
            EngineType.CACHE_CAFFEINE,
            List.of()) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            Map<String, Session> sessions = Caffeine.newBuilder()
                    .maximumSize(MapBound.MAXIMUM_SIZE)
                    .executor(Runnable::run)
                    .<String, Session>build()
                    .asMap();
            MapSessionRepository repo = new MapSessionRepository(sessions);
            repo.setDefaultMaxInactiveInterval(MAX_INACTIVE);
            return new Peer(label(), id, repo, List.of(), sessions::size);
        }
    },
    /** {@code RedisSessionRepository} on Lettuce, Spring Boot's default Redis client (one shared connection). */
    SPRING_REDIS("Spring Session RedisSessionRepository (Lettuce)", EngineType.CACHE_REDIS, List.of(Stores.REDIS_URL)) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(redisServer());
            factory.afterPropertiesSet();
            factory.start();
            return redisPeer(label(), id, factory, factory::destroy);
        }
    },
    /** {@code RedisSessionRepository} on Jedis (a pool of connections), the other client Spring supports. */
    SPRING_REDIS_JEDIS(
            "Spring Session RedisSessionRepository (Jedis)", EngineType.CACHE_REDIS, List.of(Stores.REDIS_URL)) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            JedisConnectionFactory factory = new JedisConnectionFactory(redisServer());
            factory.afterPropertiesSet();
            factory.start();
            return redisPeer(label(), id, factory, factory::destroy);
        }
    },
    /**
     * {@code RedisIndexedSessionRepository} on Lettuce, the repository Spring users pick to find
     * sessions by principal: its expiration sets, shadow keys and created-event, set up as {@code
     * RedisIndexedHttpSessionConfiguration} does (JDK serialization, cleanup each minute, a listener
     * container subscribed to its channels) but with no application context, so events go nowhere.
     * The server's {@code notify-keyspace-events} is left as found: it is a shared server.
     */
    SPRING_REDIS_INDEXED(
            "Spring Session RedisIndexedSessionRepository (Lettuce)",
            EngineType.CACHE_REDIS,
            List.of(Stores.REDIS_URL)) {
        @Override
        Peer build(String id, CountingDataSource counter) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(redisServer());
            factory.afterPropertiesSet();
            factory.start();
            RedisIndexedSessionRepository repo = new RedisIndexedSessionRepository(template(factory));
            repo.setApplicationEventPublisher(event -> {});
            repo.setRedisKeyNamespace(id);
            repo.setDefaultMaxInactiveInterval(MAX_INACTIVE);
            repo.afterPropertiesSet(); // schedules the cleanup of expired sessions, each minute
            RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
            listener.setConnectionFactory(factory);
            listener.addMessageListener(
                    repo,
                    List.of(
                            new ChannelTopic(repo.getSessionDeletedChannel()),
                            new ChannelTopic(repo.getSessionExpiredChannel())));
            listener.addMessageListener(repo, List.of(new PatternTopic(repo.getSessionCreatedChannelPrefix() + "*")));
            listener.afterPropertiesSet();
            listener.start();
            return new Peer(
                    label(),
                    id,
                    repo,
                    List.of(
                            listener::stop,
                            () -> destroy(listener),
                            repo::destroy,
                            () -> EngineType.deleteRedisKeys(id),
                            factory::destroy),
                    null);
        }
    },
    /** {@code JdbcIndexedSessionRepository} on PostgreSQL with Spring Session's own schema. */
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
            repo.setDefaultMaxInactiveInterval(MAX_INACTIVE);
            return new Peer(
                    label(),
                    table,
                    repo,
                    List.of(
                            () -> {
                                EngineType.dropTable(Stores.POSTGRES_URL, table + "_attributes");
                                EngineType.dropTable(Stores.POSTGRES_URL, table);
                            },
                            pool::close),
                    null);
        }
    };

    /** How long every peer session lives: the benchmark's Satchel cookie age. */
    static final Duration MAX_INACTIVE = Duration.ofHours(1);

    private final String label;
    private final EngineType satchel;
    private final List<String> servers;

    PeerType(String label, EngineType satchel, List<String> servers) {
        this.label = label;
        this.satchel = satchel;
        this.servers = servers;
    }

    /** How the report names the peer (the repository, and the client or bound where it matters). */
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

    /**
     * Whether it is the peer a Spring user gets by default on its store (the map, Redis on Lettuce,
     * JDBC): these are measured at every payload and thread count, the others once per operation.
     */
    public boolean headline() {
        return this != SPRING_REDIS_JEDIS && this != SPRING_REDIS_INDEXED;
    }

    /** Whether it runs without any server. */
    public boolean embedded() {
        return servers.isEmpty();
    }

    /** The servers it needs (URLs), empty for the map. */
    public List<String> servers() {
        return servers;
    }

    abstract Peer build(String id, CountingDataSource counter);

    /** Opens the repository with unique server-side names; {@code counter} counts JDBC statements if given. */
    public Peer open(CountingDataSource counter) {
        String id = "springbench" + Long.toString(System.nanoTime() & 0xffffffffL, 36);
        return build(id, counter);
    }

    /** The size bound of Satchel's Caffeine store when not configured, which the map peer copies. */
    static final class MapBound {
        static final long MAXIMUM_SIZE = CacheSettings.from(SessionSettings.builder()
                        .secretKey(EngineType.SECRET)
                        .engine(CacheSessionEngine.NAME)
                        .build())
                .caffeineMaximumSize();

        private MapBound() {}
    }

    private static RedisStandaloneConfiguration redisServer() {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        return new RedisStandaloneConfiguration(a.getHostString(), a.getPort());
    }

    /** The template Spring Session builds: string keys and hash keys, JDK serialization for the rest. */
    private static RedisTemplate<String, Object> template(RedisConnectionFactory factory) {
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.setConnectionFactory(factory);
        template.afterPropertiesSet();
        return template;
    }

    private static Peer redisPeer(String label, String id, RedisConnectionFactory factory, Runnable closeFactory) {
        RedisSessionRepository repo = new RedisSessionRepository(template(factory));
        repo.setRedisKeyNamespace(id);
        repo.setDefaultMaxInactiveInterval(MAX_INACTIVE);
        return new Peer(label, id, repo, List.of(() -> EngineType.deleteRedisKeys(id), closeFactory), null);
    }

    private static void destroy(RedisMessageListenerContainer listener) {
        try {
            listener.destroy();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the listener container", e);
        }
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

    /**
     * An open repository, driven request by request as {@code SessionRepositoryFilter} drives it:
     * {@code findById}, then {@code setLastAccessedTime(now)} (the filter touches every session it
     * hands out), then the application's attribute work, then {@code save} when the request commits.
     * A request that changes no attribute still saves the new last access time.
     */
    public static final class Peer implements Contender {
        private final String label;
        private final String serverName;
        private final SessionRepository<Session> repo;
        private final List<Runnable> cleanups;
        private final LongSupplier stored;
        private Map<String, Object> data;
        private String readKey;
        private String[] ids;
        private Session[] held;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Peer(
                String label,
                String serverName,
                SessionRepository<? extends Session> repo,
                List<Runnable> cleanups,
                LongSupplier stored) {
            this.label = label;
            this.serverName = serverName;
            this.repo = (SessionRepository) repo;
            this.cleanups = new ArrayList<>(cleanups);
            this.stored = stored;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public void prepare(Map<String, Object> data, int slots) {
            this.data = data;
            this.readKey = data.keySet().iterator().next();
            ids = new String[slots];
            held = new Session[slots];
            for (int i = 0; i < slots; i++) {
                ids[i] = create(data);
                held[i] = find(ids[i]);
            }
        }

        /** A request's find and touch; the session must exist (a missing one means the store lost it). */
        private Session begin(String id) {
            Session s = repo.findById(id);
            if (s == null) {
                throw new IllegalStateException(label + ": session " + id + " is gone");
            }
            s.setLastAccessedTime(Instant.now());
            return s;
        }

        /** A request that reads every attribute; it saves the touched session, as the filter does. */
        @Override
        public Object load(int slot) {
            return load(ids[slot]);
        }

        /** A request that reads one attribute and changes none; Spring still saves the last access time. */
        @Override
        public Object read(int slot) {
            Session s = begin(ids[slot]);
            Object value = s.getAttribute(readKey);
            repo.save(s);
            return value;
        }

        /** Saves the slot's already found session after changing {@code bench_counter} (no find, no touch). */
        @Override
        public Object save(int slot, long counter) {
            save(held[slot], counter);
            return held[slot].getId();
        }

        @Override
        public Object create() {
            return create(data);
        }

        @Override
        public Object cycle(int slot, long counter) {
            return cycle(ids[slot], counter);
        }

        /** Stores a new session holding every entry of {@code data}, as a request that creates one; returns its id. */
        public String create(Map<String, Object> data) {
            Session s = repo.createSession();
            s.setLastAccessedTime(Instant.now()); // the filter's getSession(true)
            data.forEach(s::setAttribute);
            repo.save(s);
            return s.getId();
        }

        /** A request that reads every attribute (as a Satchel load decodes every key), then commits. */
        public int load(String id) {
            Session s = begin(id);
            int n = 0;
            for (String name : s.getAttributeNames()) {
                if (s.getAttribute(name) != null) {
                    n++;
                }
            }
            repo.save(s);
            return n;
        }

        /** Finds a session, for {@code save} to modify. */
        public Session find(String id) {
            return repo.findById(id);
        }

        /** Saves a found session after changing one attribute. */
        public void save(Session s, long counter) {
            s.setAttribute(SatchelContender.COUNTER, counter);
            repo.save(s);
        }

        /** The request cycle: find, touch, change one attribute, save. */
        public String cycle(String id, long counter) {
            Session s = begin(id);
            s.setAttribute(SatchelContender.COUNTER, counter);
            repo.save(s);
            return s.getId();
        }

        /**
         * One request of the parallel-requests benchmark: find, touch, read and change one
         * attribute, save.
         *
         * @return the attribute's value before this request changed it, or {@code null} if it had none
         */
        public Long request(String id, String name, long value) {
            Session s = begin(id);
            Object found = s.getAttribute(name);
            s.setAttribute(name, value);
            repo.save(s);
            return found == null ? null : ((Number) found).longValue();
        }

        /** The value of one attribute as stored now (a plain find, no request), or {@code null} if it has none. */
        public Long attribute(String id, String name) {
            Object found = repo.findById(id).getAttribute(name);
            return found == null ? null : ((Number) found).longValue();
        }

        /** The id of a prepared slot's session. */
        String id(int slot) {
            return ids[slot];
        }

        /** The last access time stored for session {@code id} (a plain find, no request). */
        Instant storedLastAccess(String id) {
            return repo.findById(id).getLastAccessedTime();
        }

        /** The Redis key namespace or the table this peer's sessions live under. */
        String serverName() {
            return serverName;
        }

        /** How many sessions the map peer holds; the server peers cannot tell. */
        long storedSessions() {
            if (stored == null) {
                throw new UnsupportedOperationException(label + " does not count its sessions");
            }
            return stored.getAsLong();
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
