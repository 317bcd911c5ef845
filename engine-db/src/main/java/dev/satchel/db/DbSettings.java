package dev.satchel.db;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code db} engine's own settings, immutable once built. They load from the {@code satchel.db.*}
 * keys of {@link SessionSettings} ({@link #from(SessionSettings)}) or are built in code ({@link
 * #builder()}); both validate at {@code build()} and report every problem at once, naming each key.
 *
 * <pre>
 * satchel.db.url=jdbc:sqlite:satchel.sqlite3   the JDBC URL (SQLite, PostgreSQL, MariaDB/MySQL)
 * satchel.db.table=django_session             Django's table name (a plain SQL identifier)
 * satchel.db.create-table=true                create the table and its indexes at start when missing
 * satchel.db.clear-batch-size=10000           rows deleted per statement by clearExpired
 * satchel.db.timeout=PT5S                     longest wait for a connection plus an answer
 * satchel.db.pool.*                           passed to HikariCP untouched (pool.maximumPoolSize=20,
 *                                             pool.dataSource.sslmode=require, pool.username=...)
 * </pre>
 */
public final class DbSettings {
    /** The prefix of every key of this engine. */
    public static final String PREFIX = "satchel.db.";
    /** The JDBC URL. */
    public static final String URL = PREFIX + "url";
    /** The table name. */
    public static final String TABLE = PREFIX + "table";
    /** Whether the table is created at start when it is missing. */
    public static final String CREATE_TABLE = PREFIX + "create-table";
    /** How many expired rows one statement of {@code clearExpired} deletes at most. */
    public static final String CLEAR_BATCH_SIZE = PREFIX + "clear-batch-size";
    /** Seconds or an ISO-8601 duration: the longest a call waits for a connection and an answer. */
    public static final String TIMEOUT = PREFIX + "timeout";
    /** Keys under this prefix go to {@code HikariConfig} as they are (without the prefix). */
    public static final String POOL_PREFIX = PREFIX + "pool.";

    /** The embedded default: a SQLite file in the working directory. */
    public static final String DEFAULT_URL = "jdbc:sqlite:satchel.sqlite3";
    /** Django's table name. */
    public static final String DEFAULT_TABLE = "django_session";
    /** Rows per delete statement when clearing expired sessions. */
    public static final int DEFAULT_CLEAR_BATCH_SIZE = 10_000;
    /** The default timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern SECRET_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    private final String url;
    private final String table;
    private final boolean createTable;
    private final int clearBatchSize;
    private final Duration timeout;
    private final Map<String, String> pool;

    private DbSettings(Builder b) {
        this.url = b.url == null ? DEFAULT_URL : b.url;
        this.table = b.table == null ? DEFAULT_TABLE : b.table;
        this.createTable = b.createTable == null || b.createTable;
        this.clearBatchSize = b.clearBatchSize == null ? DEFAULT_CLEAR_BATCH_SIZE : b.clearBatchSize;
        this.timeout = b.timeout == null ? DEFAULT_TIMEOUT : b.timeout;
        this.pool = Collections.unmodifiableMap(new LinkedHashMap<>(b.pool));
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code satchel.db.*} keys of {@code settings}.
     *
     * @throws SessionConfigurationException naming every invalid or unknown key
     */
    public static DbSettings from(SessionSettings settings) {
        Builder b = builder();
        List<String> problems = new ArrayList<>();
        settings.engineProperties(PREFIX).forEach((name, raw) -> {
            String key = PREFIX + name;
            String value = raw == null ? "" : raw.trim();
            try {
                if (key.startsWith(POOL_PREFIX)) {
                    b.poolProperty(key.substring(POOL_PREFIX.length()), raw == null ? "" : raw);
                    return;
                }
                switch (key) {
                    case URL -> b.url(value);
                    case TABLE -> b.table(value);
                    case CREATE_TABLE -> b.createTable(EngineProperties.parseBoolean(key, value));
                    case CLEAR_BATCH_SIZE -> b.clearBatchSize(parseInt(key, value));
                    case TIMEOUT -> b.timeout(EngineProperties.parseDuration(key, value));
                    default ->
                        problems.add(key + " is not a setting of the db engine (known: " + URL + ", " + TABLE
                                + ", " + CREATE_TABLE + ", " + CLEAR_BATCH_SIZE + ", " + TIMEOUT + ", " + POOL_PREFIX
                                + "*)");
                }
            } catch (SessionConfigurationException e) {
                problems.add(e.getMessage());
            }
        });
        b.problems.addAll(problems);
        return b.build();
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SessionConfigurationException(key + " must be a whole number, not \"" + value + "\"");
        }
    }

    /** The JDBC URL. */
    public String url() {
        return url;
    }

    /** The table name, an identifier of letters, digits and underscores. */
    public String table() {
        return table;
    }

    /** Whether the table and its indexes are created at start when the table is missing. */
    public boolean createTable() {
        return createTable;
    }

    /** The most rows one delete statement of {@code clearExpired} removes. */
    public int clearBatchSize() {
        return clearBatchSize;
    }

    /** The longest a call waits for a connection and then for the database's answer. */
    public Duration timeout() {
        return timeout;
    }

    /** The {@code satchel.db.pool.*} entries, without the prefix, for {@code HikariConfig}. */
    public Map<String, String> pool() {
        return pool;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DbSettings other
                && url.equals(other.url)
                && table.equals(other.table)
                && createTable == other.createTable
                && clearBatchSize == other.clearBatchSize
                && timeout.equals(other.timeout)
                && pool.equals(other.pool);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, table, createTable, clearBatchSize, timeout, pool);
    }

    /** The settings with passwords masked. */
    @Override
    public String toString() {
        Map<String, String> shownPool = new LinkedHashMap<>();
        pool.forEach((k, v) -> shownPool.put(k, k.toLowerCase(Locale.ROOT).contains("password") ? "<hidden>" : v));
        return "DbSettings{url=" + SECRET_IN_URL.matcher(url).replaceAll("$1<hidden>") + ", table=" + table
                + ", createTable=" + createTable + ", clearBatchSize=" + clearBatchSize + ", timeout=" + timeout
                + ", pool=" + shownPool + "}";
    }

    /** Builds {@link DbSettings}; each setting may be set once. */
    public static final class Builder {
        private String url;
        private String table;
        private Boolean createTable;
        private Integer clearBatchSize;
        private Duration timeout;
        private final Map<String, String> pool = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        private static void once(String key, Object previous) {
            if (previous != null) {
                throw new IllegalStateException(key + " was already set to " + previous);
            }
        }

        /** The JDBC URL (default {@value DbSettings#DEFAULT_URL}). */
        public Builder url(String url) {
            once(URL, this.url);
            this.url = Objects.requireNonNull(url, URL);
            return this;
        }

        /** The table (default {@value DbSettings#DEFAULT_TABLE}). */
        public Builder table(String table) {
            once(TABLE, this.table);
            this.table = Objects.requireNonNull(table, TABLE);
            return this;
        }

        /** Whether to create the table at start when it is missing (default true). */
        public Builder createTable(boolean create) {
            once(CREATE_TABLE, this.createTable);
            this.createTable = create;
            return this;
        }

        /** Rows per delete statement when clearing expired sessions (default 10 000). */
        public Builder clearBatchSize(int rows) {
            once(CLEAR_BATCH_SIZE, this.clearBatchSize);
            this.clearBatchSize = rows;
            return this;
        }

        /** The longest a call waits for a connection and then for an answer (default 5 s). */
        public Builder timeout(Duration timeout) {
            once(TIMEOUT, this.timeout);
            this.timeout = Objects.requireNonNull(timeout, TIMEOUT);
            return this;
        }

        /** A HikariCP property, such as {@code maximumPoolSize} or {@code dataSource.sslmode}. */
        public Builder poolProperty(String name, String value) {
            once(POOL_PREFIX + name, pool.get(name));
            pool.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Checks every rule and returns the settings.
         *
         * @throws SessionConfigurationException listing every problem, each naming its key
         */
        public DbSettings build() {
            List<String> found = new ArrayList<>(problems);
            if (url != null && !url.startsWith("jdbc:")) {
                found.add(URL + " must be a JDBC URL starting with jdbc:, such as " + DEFAULT_URL);
            }
            if (table != null && !IDENTIFIER.matcher(table).matches()) {
                found.add(TABLE + " must be a plain SQL identifier (a letter or _, then letters, digits or _;"
                        + " at most 63 characters), not \"" + table + "\"");
            }
            if (clearBatchSize != null && (clearBatchSize < 1 || clearBatchSize > 1_000_000)) {
                found.add(CLEAR_BATCH_SIZE + " must be between 1 and 1000000, not " + clearBatchSize);
            }
            if (timeout != null
                    && (timeout.compareTo(Duration.ofMillis(250)) < 0
                            || timeout.compareTo(Duration.ofMinutes(10)) > 0)) {
                found.add(TIMEOUT + " must be between 250 ms and 10 minutes (HikariCP's limits), not " + timeout);
            }
            for (String name : pool.keySet()) {
                if (name.isEmpty()) {
                    found.add(POOL_PREFIX + " needs a HikariCP property name after the prefix");
                } else if (name.equals("jdbcUrl") || name.equals("dataSourceClassName")) {
                    found.add(POOL_PREFIX + name + " is not allowed: set " + URL + " instead");
                }
            }
            if (!found.isEmpty()) {
                throw new SessionConfigurationException(problemText(found));
            }
            return new DbSettings(this);
        }

        private static String problemText(List<String> problems) {
            if (problems.size() == 1) {
                return "Invalid db engine settings: " + problems.get(0);
            }
            StringBuilder sb = new StringBuilder("Invalid db engine settings (" + problems.size() + " problems):");
            for (String p : problems) {
                sb.append("\n  - ").append(p);
            }
            return sb.toString();
        }
    }
}
