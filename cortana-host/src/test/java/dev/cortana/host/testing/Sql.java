package dev.cortana.host.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Plain SQL for tests that look at what a real database holds: {@code assertThat(rows(ds, "SELECT ...")) ...}. */
public final class Sql {

    private Sql() {
    }

    /** The first column of every row {@code sql} returns, as text, in the order returned. */
    public static List<String> rows(DataSource dataSource, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    /** Runs {@code sql} (one or several statements). */
    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The column names of {@code table} in schema {@code public}, in their order. */
    public static List<String> columns(DataSource dataSource, String table) throws SQLException {
        return rows(dataSource, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                + "AND table_name = '" + table + "' ORDER BY ordinal_position");
    }
}
