package dev.satchel.db.internal;

import java.sql.SQLException;
import java.util.Set;

/**
 * What a failed JDBC call means for the session engine, decided in this one place for SQLite,
 * PostgreSQL and MariaDB from the SQLState and the vendor code (looking through the pool's and the
 * driver's wrapping). Only a duplicate key is an answer about the session; every other failure -
 * a read-only server or transaction, a full disk, a connection limit, a shutdown, a busy or locked
 * file - means the store cannot serve now, so the engine raises {@code
 * SessionStoreUnavailableException} and never reads it as "no session".
 *
 * @param kind what the engine does about it
 * @param reason a few words for the exception message, such as {@code "read-only"}
 * @param replaceConnection whether the connection is unusable from now on and the pool must retire
 *     it (a dead socket; a SQLite connection that hit a read-only or I/O error stays read-only)
 */
public record SqlFailure(Kind kind, String reason, boolean replaceConnection) {
    /** What the engine does with a failure. */
    public enum Kind {
        /** A create found the key taken: the caller picks another key. */
        DUPLICATE_KEY,
        /** The database rolled the statement back (serialization failure, deadlock): it changed nothing and may run again. */
        ROLLED_BACK,
        /** The database refuses to write or to serve more clients (read-only, full, over a limit). */
        REFUSED,
        /** Unreachable, shut down, timed out, busy or locked: try again later. */
        UNAVAILABLE
    }

    private static final Set<String> POSTGRES_SHUTDOWN = Set.of("57P01", "57P02", "57P03");

    /** Classifies {@code e} raised by the database named {@code database} ({@link Dialect#name()}). */
    public static SqlFailure classify(String database, SQLException e) {
        SQLException cause = mostSpecific(e);
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        int code = cause.getErrorCode();
        return switch (database) {
            case "sqlite" -> sqlite(cause, code);
            case "mariadb" -> mariadb(state, code);
            default -> postgres(state);
        };
    }

    /**
     * The innermost SQLException carrying a SQLState or vendor code: HikariCP reports a failed
     * connection attempt as its own exception with the driver's as the cause.
     */
    private static SQLException mostSpecific(SQLException e) {
        SQLException found = e;
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (t instanceof SQLException s && (s.getSQLState() != null || s.getErrorCode() != 0)) {
                found = s;
            }
            Throwable next = t.getCause();
            if (next == null && t instanceof SQLException s) {
                next = s.getNextException();
            }
            t = next == t ? null : next;
        }
        return found;
    }

    private static SqlFailure postgres(String state) {
        if (state.equals("23505")) {
            return new SqlFailure(Kind.DUPLICATE_KEY, "duplicate key", false);
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return new SqlFailure(Kind.ROLLED_BACK, "serialization failure or deadlock", false);
        }
        if (state.equals("25006")) {
            return new SqlFailure(Kind.REFUSED, "read-only", false);
        }
        if (state.equals("53100")) {
            return new SqlFailure(Kind.REFUSED, "disk full", false);
        }
        if (state.equals("53300")) {
            return new SqlFailure(Kind.REFUSED, "too many connections", false);
        }
        if (state.startsWith("53")) {
            return new SqlFailure(Kind.REFUSED, "out of resources", false);
        }
        if (POSTGRES_SHUTDOWN.contains(state)) {
            return new SqlFailure(Kind.UNAVAILABLE, "shutting down or starting up", true);
        }
        if (state.startsWith("08")) {
            return new SqlFailure(Kind.UNAVAILABLE, "connection failed", true);
        }
        if (state.equals("57014")) {
            return new SqlFailure(Kind.UNAVAILABLE, "timed out", false);
        }
        return new SqlFailure(Kind.UNAVAILABLE, "failed", false);
    }

    private static SqlFailure mariadb(String state, int code) {
        return switch (code) {
            case 1062 -> new SqlFailure(Kind.DUPLICATE_KEY, "duplicate key", false);
            // Deadlock, and a lock wait timeout (the statement alone is rolled back).
            case 1213, 1205 -> new SqlFailure(Kind.ROLLED_BACK, "deadlock or lock wait timeout", false);
            // --read-only / read_only, read-only mode, a READ ONLY transaction.
            case 1290, 1836, 1792 -> new SqlFailure(Kind.REFUSED, "read-only", false);
            // Disk full, table full, storage engine error.
            case 1021, 1114, 1030 -> new SqlFailure(Kind.REFUSED, "disk or table full", false);
            // Too many connections, max_user_connections, a user resource limit.
            case 1040, 1203, 1226 -> new SqlFailure(Kind.REFUSED, "too many connections", false);
            // Server shutdown, connection killed, server gone away, lost connection.
            case 1053, 1927, 2006, 2013 -> new SqlFailure(Kind.UNAVAILABLE, "connection lost", true);
            default ->
                state.equals("25006")
                        ? new SqlFailure(Kind.REFUSED, "read-only", false)
                        : state.startsWith("08")
                                ? new SqlFailure(Kind.UNAVAILABLE, "connection failed", true)
                                : state.equals("40001")
                                        ? new SqlFailure(Kind.ROLLED_BACK, "deadlock", false)
                                        : new SqlFailure(Kind.UNAVAILABLE, "failed", false);
        };
    }

    private static SqlFailure sqlite(SQLException e, int code) {
        int primary = code & 0xff;
        return switch (primary) {
            // SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE, or the primary code without extended codes;
            // the table has no other constraint a write can break.
            case 19 ->
                code == 1555 || code == 2067 || String.valueOf(e.getMessage()).contains("UNIQUE")
                        ? new SqlFailure(Kind.DUPLICATE_KEY, "duplicate key", false)
                        : new SqlFailure(Kind.UNAVAILABLE, "constraint failed", false);
            case 5 -> new SqlFailure(Kind.UNAVAILABLE, "busy (another connection holds the write lock)", false);
            case 6 -> new SqlFailure(Kind.UNAVAILABLE, "locked by another connection of this process", false);
            // A connection that hit SQLITE_READONLY stays read-only after the file recovers.
            case 8 -> new SqlFailure(Kind.REFUSED, "read-only", true);
            case 13 -> new SqlFailure(Kind.REFUSED, "disk full", false);
            // SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB.
            case 10, 11, 14, 26 -> new SqlFailure(Kind.UNAVAILABLE, "I/O error or unreadable file", true);
            default -> new SqlFailure(Kind.UNAVAILABLE, "failed", false);
        };
    }
}
