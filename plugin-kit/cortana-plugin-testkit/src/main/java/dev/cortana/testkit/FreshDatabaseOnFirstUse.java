package dev.cortana.testkit;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link TestContext}'s default database: made (fresh, with the plugin's migrations) when the plugin first asks for
 * a connection, so a plugin that stores nothing (coding) starts no PostgreSQL and pays for no database per context.
 */
final class FreshDatabaseOnFirstUse implements DataSource {

    private final String pluginId;
    private final TestContextResources resources;
    private DataSource made;

    FreshDatabaseOnFirstUse(String pluginId, TestContextResources resources) {
        this.pluginId = pluginId;
        this.resources = resources;
    }

    private synchronized DataSource database() {
        if (made == null) {
            made = resources.own(TestDatabases.fresh()).migrated(pluginId).dataSource();
        }
        return made;
    }

    @Override public Connection getConnection() throws SQLException { return database().getConnection(); }
    @Override public Connection getConnection(String user, String password) throws SQLException {
        return database().getConnection(user, password);
    }
    @Override public PrintWriter getLogWriter() throws SQLException { return database().getLogWriter(); }
    @Override public void setLogWriter(PrintWriter out) throws SQLException { database().setLogWriter(out); }
    @Override public void setLoginTimeout(int seconds) throws SQLException { database().setLoginTimeout(seconds); }
    @Override public int getLoginTimeout() throws SQLException { return database().getLoginTimeout(); }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { return Logger.getLogger("dev.cortana.testkit"); }
    @Override public <T> T unwrap(Class<T> type) throws SQLException { return database().unwrap(type); }
    @Override public boolean isWrapperFor(Class<?> type) throws SQLException { return database().isWrapperFor(type); }
}
