package dev.satchel.db;

import dev.satchel.SessionSettings;
import dev.satchel.db.internal.Dialect;
import dev.satchel.spi.EngineContext;
import dev.satchel.testing.Servers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The three databases the engine is tested on, and plain-JDBC helpers that bypass the engine. */
enum TestDb {
    SQLITE,
    POSTGRES,
    MARIADB;

    static final String SECRET = "satchel-db-test-secret-key-0123456789abcdef0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A table name no concurrent run uses. */
    static String uniqueTable(String prefix) {
        StringBuilder sb = new StringBuilder(prefix).append('_');
        for (int i = 0; i < 10; i++) {
            sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return sb.toString();
    }

    /** A fresh random 32-character key. */
    static String key() {
        return uniqueTable("k").substring(2) + uniqueTable("k").substring(2) + "abcdefghijkl";
    }

    /** Fails in CI, skips elsewhere, when the server is down; returns the URL to use. */
    String requireUrl(Path sqliteDir) {
        return switch (this) {
            case SQLITE -> "jdbc:sqlite:" + sqliteDir.resolve("sessions.sqlite3");
            case POSTGRES -> {
                Servers.require("PostgreSQL", Servers.POSTGRES_URL);
                yield Servers.POSTGRES_URL;
            }
            case MARIADB -> {
                Servers.require("MariaDB", Servers.MARIADB_URL);
                yield Servers.MARIADB_URL;
            }
        };
    }

    static EngineContext context(Clock clock) {
        return EngineContext.of(SessionSettings.builder().secretKey(SECRET).build(), clock);
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }

    static String quote(String url, String table) {
        return Dialect.forUrl(url).quote(table);
    }

    static long count(String url, String table) {
        try (Connection c = connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + quote(url, table))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void drop(String url, String table) {
        try (Connection c = connect(url);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + quote(url, table));
        } catch (SQLException e) {
            System.err.println("could not drop " + table + ": " + e);
        }
    }

    /** Inserts rows directly (one transaction, batched), all with the same expiry. */
    static List<String> insertRows(String url, String table, int rows, String data, Instant expiry) {
        Dialect dialect = Dialect.forUrl(url);
        List<String> keys = new ArrayList<>(rows);
        try (Connection c = connect(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + dialect.quote(table)
                    + " (session_key, session_data, expire_date) VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    String key = key();
                    keys.add(key);
                    ps.setString(1, key);
                    ps.setString(2, data);
                    dialect.bindInstant(ps, 3, expiry);
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    /** The raw column values of one row as text, or null when there is no row. */
    static String[] rawRow(String url, String table, String key) {
        try (Connection c = connect(url);
                PreparedStatement ps = c.prepareStatement("SELECT session_data, CAST(expire_date AS "
                        + (url.startsWith("jdbc:mariadb") ? "CHAR" : "TEXT") + ") FROM " + quote(url, table)
                        + " WHERE session_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
