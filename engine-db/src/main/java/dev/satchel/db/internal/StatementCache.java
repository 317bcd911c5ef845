package dev.satchel.db.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Keeps each SQL statement prepared once per physical connection, for drivers that have no statement
 * cache of their own (SQLite). Statements are prepared on the unwrapped connection so that the pool,
 * which closes the statements of a connection it takes back, leaves them alive; callers get a view
 * whose {@code close()} only clears the parameters. A connection that the pool retires takes its
 * statements with it. A statement whose use failed is dropped and closed: SQLite's driver finalises
 * a statement after most errors (a full disk, for one) while it still reports itself open, so
 * keeping it would fail every later call on that connection.
 */
public final class StatementCache {
    private final Class<? extends Connection> physicalType;
    private final Map<Connection, Map<String, PreparedStatement>> byConnection =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** A cache keyed by the driver's own connection class. */
    public StatementCache(Class<? extends Connection> physicalType) {
        this.physicalType = physicalType;
    }

    /** The statement for {@code sql} on the connection behind {@code borrowed}, prepared at most once. */
    public PreparedStatement prepare(Connection borrowed, String sql) throws SQLException {
        Connection physical = borrowed.unwrap(physicalType);
        // Only the borrower of a connection uses its statements, so the inner map needs no lock.
        Map<String, PreparedStatement> statements = byConnection.computeIfAbsent(physical, k -> new HashMap<>());
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = borrowed.unwrap(Connection.class).prepareStatement(sql);
            statements.put(sql, ps);
        }
        return reusable(ps, () -> forget(statements, sql));
    }

    private static void forget(Map<String, PreparedStatement> statements, String sql) {
        PreparedStatement dropped = statements.remove(sql);
        if (dropped != null) {
            try {
                dropped.close();
            } catch (SQLException ignored) {
                // Already finalised by the driver.
            }
        }
    }

    private static PreparedStatement reusable(PreparedStatement target, Runnable forget) {
        InvocationHandler handler = (proxy, method, args) -> {
            boolean close = method.getName().equals("close") && method.getParameterCount() == 0;
            try {
                if (close) {
                    target.clearParameters();
                    return null;
                }
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException) {
                    forget.run();
                }
                throw e.getCause();
            } catch (SQLException e) {
                forget.run();
                if (close) {
                    return null; // the statement is gone; nothing is left to close
                }
                throw e;
            }
        };
        return (PreparedStatement) Proxy.newProxyInstance(
                StatementCache.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
    }
}
