package dev.satchel.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.cache.CacheSettings;
import dev.satchel.db.DbSessionEngine;
import dev.satchel.db.DbSettings;
import dev.satchel.servlet.SessionFilter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stores of the end-to-end comparison, each opening the same app behind Satchel's {@link
 * SessionFilter} and behind Spring Session's {@link SessionRepositoryFilter}, configured alike: cookie
 * sessions, one hour of session age (Satchel's cookie age, Spring's max inactive interval and cookie
 * max-age), unique key prefixes and table names removed on close. Each side is set up as an
 * application would set it up by default: Satchel from its settings, Spring Session as its own
 * {@code @Enable...HttpSession} configuration does.
 */
enum EndToEndStore {
    REDIS(
            "Redis",
            EngineType.CACHE_REDIS,
            "SessionFilter, engine cache (Jedis)",
            "SessionRepositoryFilter, RedisSessionRepository (Lettuce)") {
        @Override
        SessionSettings.Builder satchelSettings(String id) {
            return SessionSettings.builder()
                    .engine(CacheSessionEngine.NAME)
                    .engineProperty(CacheSettings.URL, Stores.REDIS_URL)
                    .engineProperty(CacheSettings.KEY_PREFIX, id);
        }

        @Override
        void cleanSatchel(String id) {
            EngineType.deleteRedisKeys(id);
        }

        @Override
        EndToEndSide spring(String id) throws Exception {
            EndToEndSide side = new EndToEndSide(springLabel());
            try {
                side.onClose(() -> EngineType.deleteRedisKeys(id));
                InetSocketAddress a = Stores.address(Stores.REDIS_URL);
                LettuceConnectionFactory factory =
                        new LettuceConnectionFactory(new RedisStandaloneConfiguration(a.getHostString(), a.getPort()));
                factory.afterPropertiesSet();
                factory.start();
                side.onClose(factory::destroy);
                // As Spring Session's RedisHttpSessionConfiguration builds it: string keys, JDK-serialized values.
                RedisTemplate<String, Object> template = new RedisTemplate<>();
                template.setConnectionFactory(factory);
                template.setKeySerializer(new StringRedisSerializer());
                template.setHashKeySerializer(new StringRedisSerializer());
                template.setValueSerializer(new JdkSerializationRedisSerializer());
                template.setHashValueSerializer(new JdkSerializationRedisSerializer());
                template.afterPropertiesSet();
                RedisSessionRepository repo = new RedisSessionRepository(template);
                repo.setRedisKeyNamespace(id);
                repo.setDefaultMaxInactiveInterval(SESSION_AGE);
                return side.serve(springFilter(repo));
            } catch (Exception | Error e) {
                side.close();
                throw e;
            }
        }
    },
    POSTGRES(
            "PostgreSQL",
            EngineType.DB_POSTGRES,
            "SessionFilter, engine db (HikariCP)",
            "SessionRepositoryFilter, JdbcIndexedSessionRepository (HikariCP)") {
        @Override
        SessionSettings.Builder satchelSettings(String id) {
            return SessionSettings.builder()
                    .engine(DbSessionEngine.NAME)
                    .engineProperty(DbSettings.URL, Stores.POSTGRES_URL)
                    .engineProperty(DbSettings.TABLE, id);
        }

        @Override
        void cleanSatchel(String id) {
            EngineType.dropTable(Stores.POSTGRES_URL, id);
        }

        @Override
        EndToEndSide spring(String id) throws Exception {
            EndToEndSide side = new EndToEndSide(springLabel());
            try {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(Stores.POSTGRES_URL);
                config.setPoolName("e2e-" + id);
                HikariDataSource pool = new HikariDataSource(config);
                side.onClose(() -> {
                    EngineType.dropTable(Stores.POSTGRES_URL, id + "_attributes");
                    EngineType.dropTable(Stores.POSTGRES_URL, id);
                });
                side.onClose(pool::close);
                PeerType.createSchema(pool, id);
                // As Spring Session's JdbcHttpSessionConfiguration builds it: each save in its own transaction.
                TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
                tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
                tx.afterPropertiesSet();
                JdbcIndexedSessionRepository repo = new JdbcIndexedSessionRepository(new JdbcTemplate(pool), tx);
                repo.setTableName(id);
                repo.setDefaultMaxInactiveInterval(SESSION_AGE);
                return side.serve(springFilter(repo));
            } catch (Exception | Error e) {
                side.close();
                throw e;
            }
        }
    };

    /** The session age on both sides. */
    static final Duration SESSION_AGE = Duration.ofHours(1);

    private final String label;
    private final EngineType engine;
    private final String satchelLabel;
    private final String springLabel;

    EndToEndStore(String label, EngineType engine, String satchelLabel, String springLabel) {
        this.label = label;
        this.engine = engine;
        this.satchelLabel = satchelLabel;
        this.springLabel = springLabel;
    }

    /** How the report names the store. */
    String label() {
        return label;
    }

    /** The Satchel engine measured on this store (the comparison runs when it is selected). */
    EngineType engine() {
        return engine;
    }

    /** What the Satchel side runs. */
    String satchelLabel() {
        return satchelLabel;
    }

    /** What the Spring Session side runs. */
    String springLabel() {
        return springLabel;
    }

    /** Whether the store's server answers. */
    boolean available() {
        return engine.available();
    }

    abstract SessionSettings.Builder satchelSettings(String id);

    abstract void cleanSatchel(String id);

    /** Opens the Spring Session side with key namespace or table {@code id}. */
    abstract EndToEndSide spring(String id) throws Exception;

    /** Opens the Satchel side with key prefix or table {@code id}. */
    EndToEndSide satchel(String id) throws Exception {
        EndToEndSide side = new EndToEndSide(satchelLabel);
        try {
            side.onClose(() -> cleanSatchel(id));
            SessionManager sessions = SessionManager.open(satchelSettings(id)
                    .secretKey(EngineType.SECRET)
                    .cookieAgeSeconds(SESSION_AGE.toSeconds())
                    .build());
            side.onClose(sessions::close);
            return side.serve(new SessionFilter(sessions));
        } catch (Exception | Error e) {
            side.close();
            throw e;
        }
    }

    /** Spring Session's filter with a persistent cookie as long-lived as Satchel's (Django's default). */
    static <S extends Session> SessionRepositoryFilter<S> springFilter(SessionRepository<S> repo) {
        SessionRepositoryFilter<S> filter = new SessionRepositoryFilter<>(repo);
        DefaultCookieSerializer cookie = new DefaultCookieSerializer();
        cookie.setCookieMaxAge((int) SESSION_AGE.toSeconds());
        CookieHttpSessionIdResolver ids = new CookieHttpSessionIdResolver();
        ids.setCookieSerializer(cookie);
        filter.setHttpSessionIdResolver(ids);
        return filter;
    }

    /** A unique lower-case name for a key prefix or a table. */
    static String uniqueId(String side) {
        return "e2e_" + side + "_" + Long.toString(System.nanoTime() & 0xffffffffL, 36)
                + Integer.toString((int) (Math.random() * 1296), 36);
    }
}
