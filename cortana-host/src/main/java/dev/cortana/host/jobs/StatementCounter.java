package dev.cortana.host.jobs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the statements db-scheduler sends, to say how often it polls ({@link JobScheduler#databasePolls()}, for the
 * benchmark and the log): a fetch of due runs is the statement with {@code SKIP LOCKED}; the rest are heartbeats,
 * dead-run checks and the updates of runs it executes.
 */
final class StatementCounter {

    private final AtomicLong dueFetches = new AtomicLong();
    private final AtomicLong others = new AtomicLong();

    long dueFetches() {
        return dueFetches.get();
    }

    long others() {
        return others.get();
    }

    DataSource wrap(DataSource dataSource) {
        InvocationHandler sources = (proxy, method, args) -> {
            Object result = invoke(dataSource, method, args);
            return result instanceof Connection connection && method.getName().equals("getConnection")
                    ? connection(connection) : result;
        };
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                sources);
    }

    private Connection connection(Connection connection) {
        InvocationHandler statements = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                (sql.toUpperCase(Locale.ROOT).contains("SKIP LOCKED") ? dueFetches : others).incrementAndGet();
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                statements);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
