package dev.satchel.db.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.satchel.SessionConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What differs between the databases: the DDL, how {@code expire_date} is written and read, the
 * batched delete and the driver's timeouts (what an error means is {@link SqlFailure}'s job). One instance per
 * database; all are stateless.
 */
public abstract class Dialect {
    private final String name;

    private Dialect(String name) {
        this.name = name;
    }

    /** The dialect for a JDBC URL. */
    public static Dialect forUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            return new Sqlite();
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new Postgres();
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            return new MariaDb();
        }
        throw new SessionConfigurationException("satchel.db.url \"" + url.replaceAll("\\?.*", "?...")
                + "\" names no supported database: use jdbc:sqlite:, jdbc:postgresql: or jdbc:mariadb:"
                + " (jdbc:mysql: with the MariaDB driver)");
    }

    /** {@code sqlite}, {@code postgresql} or {@code mariadb}: the DDL resource's suffix. */
    public final String name() {
        return name;
    }

    /** The identifier quoted for this database. */
    public String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /** The longest identifier the database allows (Django's {@code max_name_length}), 0 if none. */
    protected abstract int maxNameLength();

    /** The statements that create the table and its indexes, from {@code schema-<name>.sql}. */
    public final List<String> ddl(String table) {
        String text = resource("/dev/satchel/db/schema-" + name + ".sql")
                .replace("{table}", table)
                .replace("{expire_date_index}", DjangoNames.indexName(table, "expire_date", "", maxNameLength()))
                .replace(
                        "{session_key_like_index}",
                        DjangoNames.indexName(table, "session_key", "_like", maxNameLength()));
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : sql.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.trim());
            }
        }
        return statements;
    }

    private static String resource(String path) {
        try (InputStream in = Dialect.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds an instant to an {@code expire_date} parameter, at Django's microsecond precision. */
    public abstract void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException;

    /** Reads an {@code expire_date} column. */
    public abstract Instant readInstant(ResultSet rs, int index) throws SQLException;

    /**
     * One bounded batch of the expired-row sweep: parameters are the cut-off instant and the batch
     * size. It must delete only rows with {@code expire_date < cut-off} (strict, as Django).
     */
    public abstract String clearBatchSql(String quotedTable);

    /** The predicate comparing {@code session_data} with a parameter byte for byte. */
    public String dataEqualsParameter() {
        return "session_data = ?";
    }

    /**
     * A statement cache kept by the engine, for drivers that keep none themselves; {@code null} when
     * the driver reuses prepared statements on its own (PostgreSQL, and MariaDB with server-side
     * prepared statements and its statement cache).
     */
    public StatementCache statementCache() {
        return null;
    }

    /** Whether per-call network timeouts ({@code Connection.setNetworkTimeout}) apply. */
    public boolean usesNetwork() {
        return true;
    }

    /**
     * Sets this database's defaults on the pool, leaving alone whatever the user configured in the
     * URL or in {@code satchel.db.pool.*}.
     */
    public abstract void configure(HikariConfig config, String url, Map<String, String> userPool, Duration timeout);

    /** Adds a driver property unless the URL or the user's pool settings already hold it. */
    protected static void driverDefault(
            HikariConfig config, String url, Map<String, String> userPool, String property, String value) {
        String lowerUrl = url.toLowerCase(Locale.ROOT);
        String lowerProperty = property.toLowerCase(Locale.ROOT);
        if (lowerUrl.contains("?" + lowerProperty + "=")
                || lowerUrl.contains("&" + lowerProperty + "=")
                || lowerUrl.contains(";" + lowerProperty + "=")
                || userPool.containsKey("dataSource." + property)) {
            return;
        }
        config.addDataSourceProperty(property, value);
    }

    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static long ceilSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** SQLite: {@code expire_date} is text, naive UTC, exactly as Django's {@code str(datetime)}. */
    static final class Sqlite extends Dialect {
        Sqlite() {
            super("sqlite");
        }

        @Override
        protected int maxNameLength() {
            return 0;
        }

        @Override
        public void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
            ps.setString(index, SqliteTimestamps.format(instant));
        }

        @Override
        public Instant readInstant(ResultSet rs, int index) throws SQLException {
            return SqliteTimestamps.parse(rs.getString(index));
        }

        @Override
        public String clearBatchSql(String t) {
            return "DELETE FROM " + t + " WHERE session_key IN (SELECT session_key FROM " + t
                    + " WHERE expire_date < ? LIMIT ?)";
        }

        @Override
        public StatementCache statementCache() {
            return new StatementCache(org.sqlite.SQLiteConnection.class);
        }

        @Override
        public boolean usesNetwork() {
            return false;
        }

        @Override
        public void configure(HikariConfig config, String url, Map<String, String> userPool, Duration timeout) {
            // WAL lets readers run beside the one writer; writers wait for each other up to the
            // timeout (busy_timeout) instead of failing at once with SQLITE_BUSY.
            driverDefault(config, url, userPool, "journal_mode", "WAL");
            // The driver fixes read-only at open time (open_mode=1); the pool must ask for the same.
            boolean readOnly = url.matches("(?i).*[?&;]open_mode=1(&.*|;.*)?$")
                    || "true".equalsIgnoreCase(userPool.get("readOnly"));
            if (readOnly) {
                config.setReadOnly(true);
                driverDefault(config, url, userPool, "open_mode", "1");
            }
            driverDefault(config, url, userPool, "busy_timeout", Long.toString(timeout.toMillis()));
            if (!userPool.containsKey("exceptionOverrideClassName")) {
                // A connection opened while the file was read-only stays read-only: retire it.
                config.setExceptionOverride(new SqliteEviction());
            }
            boolean memory = url.contains(":memory:") || url.contains("mode=memory");
            if (!userPool.containsKey("maximumPoolSize")) {
                // One writer at a time anyway; a few connections keep readers concurrent.
                config.setMaximumPoolSize(memory ? 1 : 4);
            }
            if (memory) {
                // An in-memory database lives as long as its connection: never retire it.
                config.setMinimumIdle(1);
                config.setIdleTimeout(0);
                config.setMaxLifetime(0);
            }
        }
    }

    /**
     * Tells HikariCP to close SQLite connections that hit a read-only, I/O or open error, so that
     * service resumes with fresh connections once the file is writable again.
     */
    static final class SqliteEviction implements SQLExceptionOverride {
        @java.lang.Override
        public Override adjudicate(SQLException e) {
            return SqlFailure.classify("sqlite", e).replaceConnection() ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }

    /** PostgreSQL: {@code timestamp with time zone}, bound as UTC {@link OffsetDateTime}. */
    static final class Postgres extends Dialect {
        Postgres() {
            super("postgresql");
        }

        @Override
        protected int maxNameLength() {
            return 63;
        }

        @Override
        public void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
            ps.setObject(index, OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
        }

        @Override
        public Instant readInstant(ResultSet rs, int index) throws SQLException {
            return rs.getObject(index, OffsetDateTime.class).toInstant();
        }

        @Override
        public String clearBatchSql(String t) {
            // Rows another sweeper (another node) holds are skipped rather than waited for, so
            // concurrent sweeps never block or deadlock each other.
            return "DELETE FROM " + t + " WHERE session_key IN (SELECT session_key FROM " + t
                    + " WHERE expire_date < ? LIMIT ? FOR UPDATE SKIP LOCKED)";
        }

        @Override
        public void configure(HikariConfig config, String url, Map<String, String> userPool, Duration timeout) {
            String seconds = Long.toString(ceilSeconds(timeout));
            driverDefault(config, url, userPool, "connectTimeout", seconds);
            driverDefault(config, url, userPool, "loginTimeout", seconds);
            driverDefault(config, url, userPool, "socketTimeout", seconds);
            driverDefault(config, url, userPool, "cancelSignalTimeout", seconds);
            driverDefault(config, url, userPool, "tcpKeepAlive", "true");
        }
    }

    /** MariaDB (and MySQL): {@code datetime(6)}, naive UTC as Django writes it with USE_TZ. */
    static final class MariaDb extends Dialect {
        MariaDb() {
            super("mariadb");
        }

        @Override
        public String quote(String identifier) {
            return '`' + identifier + '`';
        }

        @Override
        protected int maxNameLength() {
            return 64;
        }

        @Override
        public void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
            ps.setObject(index, LocalDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
        }

        @Override
        public Instant readInstant(ResultSet rs, int index) throws SQLException {
            return rs.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }

        @Override
        public String clearBatchSql(String t) {
            return "DELETE FROM " + t + " WHERE expire_date < ? ORDER BY expire_date LIMIT ?";
        }

        @Override
        public String dataEqualsParameter() {
            // The column's collation may ignore case or trailing spaces; the check must not.
            return "session_data = BINARY ?";
        }

        @Override
        public void configure(HikariConfig config, String url, Map<String, String> userPool, Duration timeout) {
            String millis = Long.toString(timeout.toMillis());
            driverDefault(config, url, userPool, "connectTimeout", millis);
            driverDefault(config, url, userPool, "socketTimeout", millis);
            driverDefault(config, url, userPool, "tcpKeepAlive", "true");
            // Prepare each statement once per connection on the server and keep it (the driver's
            // default sends every statement as escaped text).
            driverDefault(config, url, userPool, "useServerPrepStmts", "true");
            driverDefault(config, url, userPool, "cachePrepStmts", "true");
            if (!userPool.containsKey("transactionIsolation")) {
                // No gap locks: single-row writes and the batched sweep do not block each other.
                config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            }
        }
    }

    /** Django's SQLite text form of a datetime: {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, naive UTC. */
    public static final class SqliteTimestamps {
        private SqliteTimestamps() {}

        /** As Python's {@code str(datetime)}: the fraction only when the microseconds are not zero. */
        public static String format(Instant instant) {
            LocalDateTime t = LocalDateTime.ofInstant(micros(instant), ZoneOffset.UTC);
            StringBuilder sb = new StringBuilder(26);
            pad(sb, t.getYear(), 4).append('-');
            pad(sb, t.getMonthValue(), 2).append('-');
            pad(sb, t.getDayOfMonth(), 2).append(' ');
            pad(sb, t.getHour(), 2).append(':');
            pad(sb, t.getMinute(), 2).append(':');
            pad(sb, t.getSecond(), 2);
            int micro = t.getNano() / 1000;
            if (micro != 0) {
                sb.append('.');
                pad(sb, micro, 6);
            }
            return sb.toString();
        }

        private static StringBuilder pad(StringBuilder sb, int value, int width) {
            String digits = Integer.toString(value);
            for (int i = digits.length(); i < width; i++) {
                sb.append('0');
            }
            return sb.append(digits);
        }

        /** Reads Django's text (also with a {@code T} or an offset, as other writers produce). */
        public static Instant parse(String text) {
            Instant exact = parseExact(text);
            return exact != null ? exact : parseAny(text);
        }

        /**
         * The text Django writes, {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, without a parser; else null.
         * Package-private, as is {@link #parseAny}, so that tests can check that both paths agree.
         */
        static Instant parseExact(String t) {
            int n = t.length();
            if ((n != 19 && n != 26)
                    || t.charAt(4) != '-'
                    || t.charAt(7) != '-'
                    || t.charAt(10) != ' '
                    || t.charAt(13) != ':'
                    || t.charAt(16) != ':'
                    || (n == 26 && t.charAt(19) != '.')) {
                return null;
            }
            int year = digits(t, 0, 4);
            int month = digits(t, 5, 7);
            int day = digits(t, 8, 10);
            int hour = digits(t, 11, 13);
            int minute = digits(t, 14, 16);
            int second = digits(t, 17, 19);
            int micro = n == 26 ? digits(t, 20, 26) : 0;
            if ((year | month | day | hour | minute | second | micro) < 0
                    || month < 1
                    || month > 12
                    || day < 1
                    || day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()
                    || hour > 23
                    || minute > 59
                    || second > 59) {
                return null;
            }
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, micro * 1000L);
        }

        private static int digits(String t, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                int d = t.charAt(i) - '0';
                if (d < 0 || d > 9) {
                    return -1;
                }
                value = value * 10 + d;
            }
            return value;
        }

        static Instant parseAny(String text) {
            String iso = text.trim().replace(' ', 'T');
            try {
                return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(iso).toInstant();
                } catch (DateTimeParseException e2) {
                    throw new IllegalArgumentException("unreadable expire_date \"" + text + "\"", e2);
                }
            }
        }
    }
}
