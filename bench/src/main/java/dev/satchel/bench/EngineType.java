package dev.satchel.bench;

import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.cache.CacheSessionEngine;
import dev.satchel.cache.CacheSettings;
import dev.satchel.cookie.EncryptedCookieEngine;
import dev.satchel.cookie.SignedCookieEngine;
import dev.satchel.db.CachedDbSessionEngine;
import dev.satchel.db.DbSessionEngine;
import dev.satchel.db.DbSettings;
import dev.satchel.file.FileSessionEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every engine the benchmark knows, each with the floor it is compared with. This is the JMH
 * {@code @Param}: adding an engine is one constant.
 */
public enum EngineType {
    SIGNED_COOKIES(
            "signed_cookies", "Django's cookie codec by hand: Python JSON, zlib, base62 time, HMAC-SHA256", List.of()) {
        @Override
        Fixture build(Env env) {
            var m = manager(env, env.settings(SignedCookieEngine.NAME).build(), SignedCookieEngine::new);
            return new Fixture(
                    this,
                    m,
                    Floors.djangoSignedCookie(SECRET, Env.COOKIE_AGE, env.clock),
                    Map.of(Floors.HMAC_JACKSON, Floors.signedCookie(SECRET)),
                    env);
        }

        @Override
        public List<String> extraFloors() {
            return List.of(Floors.HMAC_JACKSON);
        }
    },
    ENCRYPTED_COOKIES("encrypted_cookies", "AES-256-GCM (issue time + Jackson) + base64", List.of()) {
        @Override
        Fixture build(Env env) {
            var m = manager(env, env.settings(EncryptedCookieEngine.NAME).build(), EncryptedCookieEngine::new);
            return new Fixture(this, m, Floors.encryptedCookie(SECRET, Env.COOKIE_AGE, env.clock), env);
        }
    },
    FILE("file", "file read / write, fsync, rename, directory fsync", List.of()) {
        @Override
        Fixture build(Env env) {
            Path dir = env.dir.resolve("sessions");
            var s = env.settings(FileSessionEngine.NAME)
                    .engineProperty(FileSessionEngine.PATH, dir.toString())
                    .build();
            var m = manager(env, s, FileSessionEngine::new);
            return new Fixture(this, m, Floors.file(env.dir.resolve("floor")), env);
        }
    },
    CACHE_CAFFEINE("cache (Caffeine)", "Caffeine get / put", List.of()) {
        @Override
        Fixture build(Env env) {
            var s = env.settings(CacheSessionEngine.NAME)
                    .engineProperty(CacheSettings.URL, "caffeine:")
                    .build();
            return new Fixture(this, manager(env, s, CacheSessionEngine::create), Floors.caffeine(), env);
        }
    },
    CACHE_REDIS("cache (Redis)", "Jedis GET / SET EX", List.of(Stores.REDIS_URL)) {
        @Override
        Fixture build(Env env) {
            var s = env.settings(CacheSessionEngine.NAME)
                    .engineProperty(CacheSettings.URL, env.url(Stores.REDIS_URL))
                    .engineProperty(CacheSettings.KEY_PREFIX, env.id)
                    .build();
            var f = new Fixture(
                    this,
                    manager(env, s, CacheSessionEngine::create),
                    Floors.redis(env.url(Stores.REDIS_URL), env.id + ":floor:"),
                    env);
            f.onClose(() -> deleteRedisKeys(env.id));
            return f;
        }
    },
    CACHE_MEMCACHED("cache (memcached)", "xmemcached get / set", List.of(Stores.MEMCACHED_URL)) {
        @Override
        Fixture build(Env env) {
            var s = env.settings(CacheSessionEngine.NAME)
                    .engineProperty(CacheSettings.URL, env.url(Stores.MEMCACHED_URL))
                    .engineProperty(CacheSettings.KEY_PREFIX, env.id)
                    .build();
            // memcached cannot list keys: the records expire with the one-hour cookie age.
            return new Fixture(
                    this,
                    manager(env, s, CacheSessionEngine::create),
                    Floors.memcached(env.url(Stores.MEMCACHED_URL), env.id + ":floor:"),
                    env);
        }
    },
    DB_SQLITE("db (SQLite)", "one JDBC statement via HikariCP", List.of()) {
        @Override
        Fixture build(Env env) {
            return db(this, env, "jdbc:sqlite:" + env.dir.resolve("sessions.sqlite3"));
        }
    },
    DB_POSTGRES("db (PostgreSQL)", "one JDBC statement via HikariCP", List.of(Stores.POSTGRES_URL)) {
        @Override
        Fixture build(Env env) {
            return db(this, env, env.url(Stores.POSTGRES_URL));
        }
    },
    DB_MARIADB("db (MariaDB)", "one JDBC statement via HikariCP", List.of(Stores.MARIADB_URL)) {
        @Override
        Fixture build(Env env) {
            return db(this, env, env.url(Stores.MARIADB_URL));
        }
    },
    CACHED_DB(
            "cached_db (PostgreSQL + Redis)",
            "Redis GET; UPDATE + SET EX",
            List.of(Stores.POSTGRES_URL, Stores.REDIS_URL)) {
        @Override
        Fixture build(Env env) {
            String table = "bench_" + env.id;
            var s = env.settings(CachedDbSessionEngine.NAME)
                    .engineProperty(DbSettings.URL, env.url(Stores.POSTGRES_URL))
                    .engineProperty(DbSettings.TABLE, table)
                    .engineProperty(CacheSettings.URL, env.url(Stores.REDIS_URL))
                    .engineProperty(CacheSettings.KEY_PREFIX, env.id)
                    .build();
            UnaryOperator<DataSource> wrap = env.wrapper(true);
            var m = SessionManager.builder(s)
                    .clock(env.clock)
                    .engine(ctx -> new CachedDbSessionEngine(
                            DbSessionEngine.builder(ctx)
                                    .name(CachedDbSessionEngine.NAME)
                                    .wrapDataSource(wrap)
                                    .build(),
                            CacheSessionEngine.create(ctx, CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX)))
                    .build();
            Floor floor = Floors.cachedDb(
                    Floors.jdbc(env.url(Stores.POSTGRES_URL), table, env.wrapper(false)),
                    Floors.redis(env.url(Stores.REDIS_URL), env.id + ":floor:"));
            var f = new Fixture(this, m, floor, env);
            f.onClose(() -> {
                dropTable(Stores.POSTGRES_URL, table);
                deleteRedisKeys(env.id);
            });
            return f;
        }
    };

    /** The signing key every engine uses in the benchmark (not a secret). */
    public static final String SECRET = "satchel-benchmark-secret-key-not-for-production-0123456789";

    /** The engines that need no server: the quick report's set. */
    public static final Set<EngineType> EMBEDDED =
            Set.of(SIGNED_COOKIES, ENCRYPTED_COOKIES, FILE, CACHE_CAFFEINE, DB_SQLITE);

    private final String label;
    private final String floorLabel;
    private final List<String> servers;

    EngineType(String label, String floorLabel, List<String> servers) {
        this.label = label;
        this.floorLabel = floorLabel;
        this.servers = servers;
    }

    /** How the report names the engine. */
    public String label() {
        return label;
    }

    /**
     * What its floor does: for a server-side engine the store plus Django's codec by hand (the least a
     * Django-compatible engine can cost); for a cookie engine the cookie codec itself.
     */
    public String floorLabel() {
        return serverSide() ? floorLabel + " + Django's codec by hand" : floorLabel;
    }

    /** What its {@link Floors#RAW raw} floor does: the store alone, the bytes ready-made. */
    public String rawFloorLabel() {
        return floorLabel + ", bytes ready-made (no codec)";
    }

    /** Whether its saves wait for a disk (a file, SQLite, or a database server that syncs its log). */
    public boolean writesToDisk() {
        return this == FILE || this == DB_SQLITE || this == DB_POSTGRES || this == DB_MARIADB || this == CACHED_DB;
    }

    /** Whether it keeps sessions on the server (every engine but the two cookie engines). */
    public boolean serverSide() {
        return this != SIGNED_COOKIES && this != ENCRYPTED_COOKIES;
    }

    /**
     * The names of the floors it is also compared with, besides its own ({@code FLOOR:<name>}): the
     * {@link Floors#RAW raw} store for a server-side engine; {@link Fixture#extraFloors()} opens the
     * others.
     */
    public List<String> extraFloors() {
        return serverSide() ? List.of(Floors.RAW) : List.of();
    }

    /** Whether it runs without any server. */
    public boolean embedded() {
        return servers.isEmpty();
    }

    /** The URLs of the servers it needs (empty when embedded). */
    public List<String> servers() {
        return servers;
    }

    /** Whether it talks to a server over the network (round trips are counted for these). */
    public boolean networked() {
        return !embedded();
    }

    /** The cookie engines keep the session in a 4 KB cookie, which the large payload cannot fit. */
    public boolean holds(Payload payload) {
        return payload != Payload.LARGE || serverSide();
    }

    /** Whether every server it needs accepts connections on its port. */
    public boolean available() {
        return servers.stream().allMatch(Stores::reachable);
    }

    abstract Fixture build(Env env);

    /**
     * Opens the engine and its floor in a fresh temporary directory with unique server-side names.
     *
     * @param counting whether JDBC statements are counted (costs a proxy per call: round-trip runs only)
     */
    public Fixture open(boolean counting) {
        return open(counting, UnaryOperator.identity());
    }

    /**
     * Opens the engine as {@link #open(boolean)} does, reaching its servers at {@code route.apply(url)}
     * (a round-trip counting proxy, for instance) instead of their own URLs.
     */
    public Fixture open(boolean counting, UnaryOperator<String> route) {
        Env env = new Env(counting, route);
        try {
            return build(env);
        } catch (RuntimeException e) {
            env.deleteDirectory();
            throw e;
        }
    }

    static SessionManager manager(
            Env env,
            SessionSettings settings,
            java.util.function.Function<dev.satchel.spi.EngineContext, ? extends dev.satchel.spi.SessionEngine>
                    factory) {
        return SessionManager.builder(settings)
                .clock(env.clock)
                .engine(ctx -> factory.apply(ctx))
                .build();
    }

    static Fixture db(EngineType type, Env env, String url) {
        String table = "bench_" + env.id;
        var s = env.settings(DbSessionEngine.NAME)
                .engineProperty(DbSettings.URL, url)
                .engineProperty(DbSettings.TABLE, table)
                .build();
        UnaryOperator<DataSource> wrap = env.wrapper(true);
        var m = SessionManager.builder(s)
                .clock(env.clock)
                .engine(ctx -> DbSessionEngine.builder(ctx).wrapDataSource(wrap).build())
                .build();
        var f = new Fixture(type, m, Floors.jdbc(url, table, env.wrapper(false)), env);
        if (!url.startsWith("jdbc:sqlite:")) {
            f.onClose(() -> dropTable(url, table));
        }
        return f;
    }

    static void dropTable(String url, String table) {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            System.err.println("could not drop benchmark table " + table + ": " + e.getMessage());
        }
    }

    static void deleteRedisKeys(String id) {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        try (JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(id + ":*").count(1000);
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    /** A temporary directory, a unique id for server-side names, and the statement counters. */
    static final class Env {
        /** The cookie age of every benchmark engine (records left by an interrupted run expire by themselves). */
        static final Duration COOKIE_AGE = Duration.ofHours(1);

        final Path dir;
        final String id;
        final boolean counting;
        final BenchClock clock = new BenchClock();
        final CountingDataSource engineStatements = new CountingDataSource();
        final CountingDataSource floorStatements = new CountingDataSource();
        final UnaryOperator<String> route;

        Env(boolean counting, UnaryOperator<String> route) {
            this.counting = counting;
            this.route = route;
            this.id = "satchelbench" + Long.toString(System.nanoTime() & 0xffffffffL, 36)
                    + Integer.toString((int) (Math.random() * 1296), 36);
            try {
                this.dir = Files.createTempDirectory("satchel-bench-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Where this fixture reaches the server of {@code url}. */
        String url(String url) {
            return route.apply(url);
        }

        SessionSettings.Builder settings(String engine) {
            return SessionSettings.builder().secretKey(SECRET).engine(engine).cookieAgeSeconds(COOKIE_AGE.getSeconds());
        }

        UnaryOperator<DataSource> wrapper(boolean engine) {
            if (!counting) {
                return UnaryOperator.identity();
            }
            CountingDataSource c = engine ? engineStatements : floorStatements;
            return c::wrap;
        }

        void deleteDirectory() {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
