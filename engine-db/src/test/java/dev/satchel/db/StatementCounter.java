package dev.satchel.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Wraps a data source so that every statement sent to the database is recorded: each call of a
 * {@code Statement}/{@code PreparedStatement} {@code execute*} method counts once, with its SQL.
 */
final class StatementCounter {
    private final List<String> executed = new ArrayList<>();
    private final List<String> prepared = new ArrayList<>();

    DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target, (method, result, args) -> {
            if (method.getName().equals("getConnection")) {
                return connection((Connection) result);
            }
            return result;
        });
    }

    synchronized void reset() {
        executed.clear();
    }

    synchronized List<String> executed() {
        return new ArrayList<>(executed);
    }

    synchronized int count() {
        return executed.size();
    }

    /** How many times a statement was prepared (each {@code prepareStatement} call), with its SQL. */
    synchronized List<String> prepared() {
        return new ArrayList<>(prepared);
    }

    private synchronized void record(String sql) {
        executed.add(sql);
    }

    private Connection connection(Connection target) {
        return proxy(Connection.class, target, (method, result, args) -> {
            if (method.getName().equals("unwrap") && args[0] == Connection.class) {
                // The engine prepares cached statements on the unwrapped connection: count those too.
                return connection((Connection) result);
            }
            if (method.getName().equals("prepareStatement")) {
                synchronized (this) {
                    prepared.add((String) args[0]);
                }
                return statement(PreparedStatement.class, (PreparedStatement) result, (String) args[0]);
            }
            if (method.getName().equals("createStatement")) {
                return statement(Statement.class, (Statement) result, null);
            }
            return result;
        });
    }

    private <S extends Statement> S statement(Class<S> type, S target, String preparedSql) {
        return proxy(type, target, (method, result, args) -> result, (method, args) -> {
            if (method.getName().startsWith("execute")) {
                record(preparedSql != null ? preparedSql : args != null && args.length > 0 ? (String) args[0] : "?");
            }
        });
    }

    @FunctionalInterface
    private interface After {
        Object apply(Method method, Object result, Object[] args);
    }

    @FunctionalInterface
    private interface Before {
        void apply(Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        return proxy(type, target, after, (m, a) -> {});
    }

    private static <T> T proxy(Class<T> type, T target, After after, Before before) {
        InvocationHandler handler = (p, method, args) -> {
            if ((method.getName().equals("unwrap") && args[0] != Connection.class)
                    || method.getName().equals("isWrapperFor")) {
                return method.invoke(target, args);
            }
            before.apply(method, args);
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(method, result, args);
        };
        return type.cast(
                Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
