package dev.satchel.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.satchel.CreateException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.UpdateException;
import dev.satchel.codec.SessionCodec;
import dev.satchel.db.internal.Dialect;
import dev.satchel.db.internal.DirectConnections;
import dev.satchel.db.internal.SqlFailure;
import dev.satchel.db.internal.StatementCache;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code db} session engine over JDBC: rows of Django's {@code django_session} table
 * ({@code session_key}, {@code session_data}, {@code expire_date}), written in Django's exact
 * formats, so a Django application can share the table. SQLite (the embedded default), PostgreSQL
 * and MariaDB/MySQL are supported; connections come from a HikariCP pool.
 *
 * <p>Every operation is one SQL statement in autocommit mode: load is one {@code SELECT} that skips
 * expired rows, a create one {@code INSERT}, an update one {@code UPDATE}, a delete one {@code
 * DELETE}, and the conditional save ("only if unchanged since load") one {@code UPDATE ... WHERE
 * session_data = ?}. Expiry is always compared with the engine's clock, passed as a parameter.
 * {@link #sweeper()} deletes expired rows in bounded batches.
 *
 * <p>A database that cannot be reached, does not answer within {@link DbSettings#timeout()},
 * refuses a write (read-only, disk full, over a connection limit) or is busy raises {@link
 * SessionStoreUnavailableException} - a load never reads a failure as "no session", and a refused
 * save leaves the previous row as it was; the engine recovers by itself when the database does. Keys that are not 8 to 40 characters of
 * {@code [a-z0-9]} are refused with {@link SuspiciousSessionException} before any query.
 *
 * <p>The {@code cached_db} engine is built around an instance of this class: it calls {@link
 * #load}, {@link #save}, {@link #exists} and {@link #delete} for the database half and exposes
 * {@link #sweeper()} as its own.
 */
public final class DbSessionEngine implements SessionEngine {
    /** The name this engine is registered under. */
    public static final String NAME = "db";

    private static final Logger LOG = LoggerFactory.getLogger(DbSessionEngine.class);
    private static final Executor DIRECT = Runnable::run;
    private static final int ATTEMPTS = 3;

    private final String name;
    private final SessionCodec codec;
    private final Clock clock;
    private final DbSettings settings;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final DataSource dataSource;
    /** Unpooled connections for when the pool holds none (network databases only); else null. */
    private final DirectConnections direct;
    /** Set when a call failed; cleared once the pool holds a connection again. */
    private volatile boolean recentFailure;
    /** SQLite's driver caches no statements, so the engine keeps them per connection; others: null. */
    private final StatementCache statementCache;

    private final long timeoutMillis;
    private final int queryTimeoutSeconds;
    private volatile boolean schemaReady;

    private final String loadSql;
    private final String insertSql;
    private final String updateSql;
    private final String conditionalUpdateSql;
    private final String existsSql;
    private final String deleteSql;
    private final String clearSql;
    private final String probeSql;

    private DbSessionEngine(Builder b) {
        this.name = b.name;
        this.codec = b.context.codec();
        this.clock = b.context.clock();
        this.settings = b.settings != null ? b.settings : DbSettings.from(b.context.settings());
        this.dialect = Dialect.forUrl(settings.url());
        this.timeoutMillis = settings.timeout().toMillis();
        this.queryTimeoutSeconds = (int) Math.max(1, (timeoutMillis + 999) / 1000);
        HikariConfig config = poolConfig(settings, dialect);
        this.pool = new HikariDataSource(config);
        this.dataSource = b.decorator == null ? pool : Objects.requireNonNull(b.decorator.apply(pool), "decorator");
        this.direct = dialect.usesNetwork() ? new DirectConnections(config, b.decorator) : null;
        this.statementCache = dialect.statementCache();

        String t = dialect.quote(settings.table());
        this.loadSql = "SELECT session_data, expire_date FROM " + t + " WHERE session_key = ? AND expire_date > ?";
        this.insertSql = "INSERT INTO " + t + " (session_key, session_data, expire_date) VALUES (?, ?, ?)";
        this.updateSql = "UPDATE " + t + " SET session_data = ?, expire_date = ? WHERE session_key = ?";
        this.conditionalUpdateSql = updateSql + " AND " + dialect.dataEqualsParameter();
        this.existsSql = "SELECT 1 FROM " + t + " WHERE session_key = ?";
        this.deleteSql = "DELETE FROM " + t + " WHERE session_key = ?";
        this.clearSql = dialect.clearBatchSql(t);
        this.probeSql = "SELECT 1 FROM " + t + " WHERE 1 = 0";

        try {
            ensureSchema();
        } catch (SessionStoreUnavailableException e) {
            // Start anyway: the table is checked again on first use, so service begins when the
            // database does.
            LOG.warn("Session database not ready at start; will retry on first use: {}", e.getMessage());
        }
    }

    /** An engine configured from the context's {@code satchel.db.*} settings. */
    public static DbSessionEngine create(EngineContext context) {
        return builder(context).build();
    }

    /** A builder, to pass {@link DbSettings} in code or wrap the data source. */
    public static Builder builder(EngineContext context) {
        return new Builder(context);
    }

    private static HikariConfig poolConfig(DbSettings settings, Dialect dialect) {
        HikariConfig config;
        try {
            Properties props = new Properties();
            props.putAll(settings.pool());
            config = new HikariConfig(props);
        } catch (RuntimeException e) {
            throw new SessionConfigurationException(
                    "Invalid " + DbSettings.POOL_PREFIX + "* setting: " + e.getMessage(), e);
        }
        config.setJdbcUrl(settings.url());
        long timeout = settings.timeout().toMillis();
        if (!settings.pool().containsKey("poolName")) {
            config.setPoolName("satchel-" + dialect.name() + "-" + settings.table());
        }
        if (!settings.pool().containsKey("connectionTimeout")) {
            config.setConnectionTimeout(timeout);
        }
        if (!settings.pool().containsKey("validationTimeout")) {
            config.setValidationTimeout(Math.max(250, Math.min(timeout / 2, 5000)));
        }
        if (!settings.pool().containsKey("initializationFailTimeout")) {
            // Start even when the database is down; calls fail with SessionStoreUnavailable until it is up.
            config.setInitializationFailTimeout(-1);
        }
        dialect.configure(config, settings.url(), settings.pool(), settings.timeout());
        return config;
    }

    // ------------------------------------------------------------------ SessionEngine

    @Override
    public String name() {
        return name;
    }

    @Override
    public SessionCodec codec() {
        return codec;
    }

    /** The settings in force. */
    public DbSettings dbSettings() {
        return settings;
    }

    @Override
    public Optional<SessionRecord> load(String key) {
        checkKey(key);
        Instant now = clock.instant();
        return run("load a session", false, c -> {
            try (PreparedStatement ps = prepare(c, loadSql)) {
                ps.setString(1, key);
                dialect.bindInstant(ps, 2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String data = rs.getString(1);
                    Instant expiry;
                    try {
                        expiry = dialect.readInstant(rs, 2);
                    } catch (IllegalArgumentException e) {
                        expiry = null; // unreadable text from another writer: the session layer derives it
                    }
                    // The stored data is the version a conditional save compares with.
                    return Optional.of(new SessionRecord(data, expiry, data));
                }
            }
        });
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        checkKey(key);
        Objects.requireNonNull(record.expiry(), "record.expiry");
        if (mode == SaveMode.CREATE) {
            run("create a session", true, c -> {
                try (PreparedStatement ps = prepare(c, insertSql)) {
                    ps.setString(1, key);
                    ps.setString(2, record.data());
                    dialect.bindInstant(ps, 3, record.expiry());
                    return ps.executeUpdate();
                }
            });
            return key;
        }
        int updated = run("save a session", false, c -> {
            try (PreparedStatement ps = prepare(c, updateSql)) {
                ps.setString(1, record.data());
                dialect.bindInstant(ps, 2, record.expiry());
                ps.setString(3, key);
                return ps.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new UpdateException("session record no longer exists (deleted or cleared since it was loaded)");
        }
        return key;
    }

    @Override
    public boolean exists(String key) {
        checkKey(key);
        return run("check a session", false, c -> {
            try (PreparedStatement ps = prepare(c, existsSql)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        run("delete a session", false, c -> {
            try (PreparedStatement ps = prepare(c, deleteSql)) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return Optional.of(this::saveIfUnchanged);
    }

    private String saveIfUnchanged(String key, SessionRecord record, Object expectedVersion) {
        checkKey(key);
        Objects.requireNonNull(record.expiry(), "record.expiry");
        if (!(expectedVersion instanceof String expected)) {
            throw new UpdateException("no version of this session was loaded from the db engine");
        }
        int updated = run("save a session if unchanged", false, c -> {
            try (PreparedStatement ps = prepare(c, conditionalUpdateSql)) {
                ps.setString(1, record.data());
                dialect.bindInstant(ps, 2, record.expiry());
                ps.setString(3, key);
                ps.setString(4, expected);
                return ps.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new UpdateException("session record changed or vanished since it was loaded");
        }
        return key;
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return Optional.of(this::clearExpired);
    }

    /**
     * Deletes rows whose {@code expire_date} is before now, {@link DbSettings#clearBatchSize()} rows
     * per statement, each its own short autocommit transaction, until a batch removes fewer. Safe to
     * run on several nodes at once.
     *
     * @return how many rows were removed
     */
    public long clearExpired() {
        Instant now = clock.instant();
        int batch = settings.clearBatchSize();
        long total = 0;
        while (true) {
            int removed = run("clear expired sessions", false, c -> {
                try (PreparedStatement ps = prepare(c, clearSql)) {
                    dialect.bindInstant(ps, 1, now);
                    ps.setInt(2, batch);
                    return ps.executeUpdate();
                }
            });
            total += removed;
            if (removed < batch) {
                LOG.debug("cleared {} expired sessions from {}", total, settings.table());
                return total;
            }
        }
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        pool.close();
    }

    // ------------------------------------------------------------------ plumbing

    private void checkKey(String key) {
        if (key == null || !acceptsKey(key)) {
            throw new SuspiciousSessionException(
                    "session key refused by the db engine: not 8 to 40 characters of [a-z0-9] (not looked up)");
        }
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        if (statementCache != null) {
            return statementCache.prepare(c, sql);
        }
        PreparedStatement ps = c.prepareStatement(sql);
        if (dialect.usesNetwork()) {
            ps.setQueryTimeout(queryTimeoutSeconds);
        }
        return ps;
    }

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs one statement on a pooled connection within the timeout. What a failure means is decided
     * by {@link SqlFailure}: a duplicate key on a create is {@link CreateException}; a statement the
     * database rolled back (serialization failure, deadlock) changed nothing and runs again while
     * the timeout allows; everything else - unreachable, read-only, full, over a connection limit,
     * shut down, busy - is {@link SessionStoreUnavailableException}, never "no session".
     */
    private <T> T run(String what, boolean insert, Work<T> work) {
        ensureSchema();
        long callStart = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try (Connection c = connect()) {
                if (dialect.usesNetwork()) {
                    long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    c.setNetworkTimeout(DIRECT, (int) Math.max(250, timeoutMillis - spent));
                }
                return work.apply(c);
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.classify(dialect.name(), e);
                recentFailure = true;
                if (insert && failure.kind() == SqlFailure.Kind.DUPLICATE_KEY) {
                    throw new CreateException("session key already exists");
                }
                if (failure.replaceConnection() && statementCache != null) {
                    // Statements run on the pooled connection's own driver connection (to keep them
                    // prepared), so the pool cannot see this error: retire the connections here.
                    pool.getHikariPoolMXBean().softEvictConnections();
                }
                long spentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStart);
                if (failure.kind() == SqlFailure.Kind.ROLLED_BACK
                        && attempt < ATTEMPTS
                        && spentMillis < timeoutMillis) {
                    LOG.debug("retrying after the database rolled back a statement ({})", e.getSQLState());
                    continue;
                }
                throw unavailable(what, failure, e);
            }
        }
    }

    /**
     * A pooled connection, or, after a failure while the pool holds no connection at all (the
     * database was down), a connection of its own: HikariCP retries a failed connection with a
     * back-off of up to five seconds, so without this, service would resume that much later than the
     * database. At start, with nothing failed yet, calls wait for the pool as usual.
     */
    private Connection connect() throws SQLException {
        if (direct != null && recentFailure) {
            if (pool.getHikariPoolMXBean().getTotalConnections() == 0) {
                return direct.open();
            }
            recentFailure = false;
        }
        return dataSource.getConnection();
    }

    private SessionStoreUnavailableException unavailable(String what, SqlFailure failure, SQLException e) {
        return new SessionStoreUnavailableException(
                "The session database could not " + what + " (" + dialect.name() + ", table " + settings.table()
                        + ": " + failure.reason() + ", SQLState " + e.getSQLState() + "): " + e.getMessage()
                        + ". Check that the database is reachable and writable; calls succeed again once it is.",
                e);
    }

    /**
     * Creates the table and its indexes when missing (once per engine; retried on later calls until
     * it succeeds). Not locked: a call never waits behind another call's attempt, and two creators
     * racing are told apart by probing again.
     */
    private void ensureSchema() {
        if (schemaReady) {
            return;
        }
        try (Connection c = connect()) {
            if (settings.createTable() && !tableExists(c)) {
                createTable(c);
            }
            schemaReady = true;
        } catch (SQLException e) {
            recentFailure = true;
            throw unavailable("prepare the session table", SqlFailure.classify(dialect.name(), e), e);
        }
    }

    private boolean tableExists(Connection c) {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(probeSql)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void createTable(Connection c) throws SQLException {
        List<String> ddl = dialect.ddl(settings.table());
        boolean autoCommit = c.getAutoCommit();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String sql : ddl) {
                    st.execute(sql);
                }
            }
            c.commit();
            LOG.info("Created the session table {} ({})", settings.table(), dialect.name());
        } catch (SQLException e) {
            c.rollback();
            c.setAutoCommit(true);
            if (!tableExists(c)) {
                throw e;
            }
            // Another node created it at the same moment.
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    @Override
    public String toString() {
        return "DbSessionEngine{" + dialect.name() + ", " + settings + "}";
    }

    /** Builds a {@link DbSessionEngine}. */
    public static final class Builder {
        private final EngineContext context;
        private DbSettings settings;
        private UnaryOperator<DataSource> decorator;
        private String name = NAME;

        private Builder(EngineContext context) {
            this.context = Objects.requireNonNull(context, "context");
        }

        /** The engine's settings (default: read from the context's {@code satchel.db.*} keys). */
        public Builder settings(DbSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Wraps the pool's data source, for instrumentation (metrics, tracing, statement counting).
         * The engine still owns and closes the pool.
         */
        public Builder wrapDataSource(UnaryOperator<DataSource> decorator) {
            this.decorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /** The name the engine reports (default {@code db}; {@code cached_db} passes its own). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Opens the pool and, when allowed and missing, creates the table. A database that is down
         * at start does not fail the build; calls fail until it is up.
         */
        public DbSessionEngine build() {
            return new DbSessionEngine(this);
        }
    }
}
