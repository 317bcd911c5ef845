package dev.satchel.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Wraps a {@link DataSource} so that every statement execution, commit and rollback is counted: one
 * count per round trip to the database (the drivers used here send each in one exchange).
 */
public final class CountingDataSource {
    private final LongAdder count = new LongAdder();

    /** How many statements (and commits or rollbacks) ran so far. */
    public long count() {
        return count.sum();
    }

    /** A counting view of {@code target}. */
    public DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target);
    }

    private <T> T proxy(Class<T> type, Object target) {
        InvocationHandler handler = (p, method, args) -> invoke(target, method, args);
        return type.cast(
                Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private Object invoke(Object target, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.startsWith("execute") || name.equals("commit") || name.equals("rollback")) {
            count.increment();
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof Connection c
                && (method.getReturnType() == Connection.class
                        || (name.equals("unwrap") && args[0] == Connection.class))) {
            // The SQLite statement cache prepares on unwrap(Connection.class): keep counting there.
            return proxy(Connection.class, c);
        }
        if (result instanceof Statement s && Statement.class.isAssignableFrom(method.getReturnType())) {
            @SuppressWarnings("unchecked")
            Class<Statement> type = (Class<Statement>) method.getReturnType();
            return proxy(type, s);
        }
        return result;
    }
}
