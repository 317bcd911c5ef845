package dev.satchel.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * The demo's users and its logout notes, in a JDBC database (a SQLite file by default). Users are
 * rows of {@code demo_user} with a Django-style password hash; {@code demo_revoked_login} remembers
 * logins that ended, so a copied cookie of a cookie-only session cannot log back in (see {@link
 * Accounts}). One connection, used by one request at a time: enough for a demo.
 */
public final class UserStore implements AutoCloseable {
    /** A user: the id goes into the session as {@code _auth_user_id}, the hash feeds its auth hash. */
    public record User(long id, String username, String passwordHash) {}

    private final Connection connection;

    /** Opens the database and creates the tables when missing. */
    public UserStore(String jdbcUrl) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS demo_user ("
                    + "id INTEGER PRIMARY KEY, "
                    + "username VARCHAR(150) NOT NULL UNIQUE, "
                    + "password VARCHAR(256) NOT NULL, "
                    + "date_joined VARCHAR(40) NOT NULL)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS demo_revoked_login ("
                    + "login_id VARCHAR(64) PRIMARY KEY, "
                    + "expires_at BIGINT NOT NULL)");
        }
    }

    /** Adds a user; empty if the name is taken. */
    public synchronized Optional<User> create(String username, String passwordHash) throws SQLException {
        if (findByUsername(username).isPresent()) {
            return Optional.empty();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO demo_user (username, password, date_joined) VALUES (?, ?, ?)")) {
            insert.setString(1, username);
            insert.setString(2, passwordHash);
            insert.setString(3, Instant.now().toString());
            insert.executeUpdate();
        }
        return findByUsername(username);
    }

    /** The user with this name (names are case-sensitive, as in Django). */
    public synchronized Optional<User> findByUsername(String username) throws SQLException {
        try (PreparedStatement q =
                connection.prepareStatement("SELECT id, username, password FROM demo_user WHERE username = ?")) {
            q.setString(1, username);
            return one(q);
        }
    }

    /** The user with this id; empty for an id that is not a number. */
    public synchronized Optional<User> findById(String id) throws SQLException {
        long value;
        try {
            value = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try (PreparedStatement q =
                connection.prepareStatement("SELECT id, username, password FROM demo_user WHERE id = ?")) {
            q.setLong(1, value);
            return one(q);
        }
    }

    /** Replaces a user's password hash: every session made with the old one stops verifying. */
    public synchronized void updatePassword(long id, String passwordHash) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE demo_user SET password = ? WHERE id = ?")) {
            update.setString(1, passwordHash);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    /** Remembers that a login ended, until {@code until} (when its cookie has expired anyway). */
    public synchronized void revokeLogin(String loginId, Instant until) throws SQLException {
        try (PreparedStatement purge =
                        connection.prepareStatement("DELETE FROM demo_revoked_login WHERE expires_at < ?");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO demo_revoked_login (login_id, expires_at) VALUES (?, ?)")) {
            purge.setLong(1, Instant.now().getEpochSecond());
            purge.executeUpdate();
            if (!isRevoked(loginId)) {
                insert.setString(1, loginId);
                insert.setLong(2, until.getEpochSecond());
                insert.executeUpdate();
            }
        }
    }

    /** Whether a login was ended by a logout. */
    public synchronized boolean isRevoked(String loginId) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT 1 FROM demo_revoked_login WHERE login_id = ?")) {
            q.setString(1, loginId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<User> one(PreparedStatement q) throws SQLException {
        try (ResultSet rs = q.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new User(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
