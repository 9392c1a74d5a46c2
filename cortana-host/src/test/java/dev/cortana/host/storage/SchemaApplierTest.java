package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.PostgresExtension;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cortana applies schema.sql at every start: to new databases, existing ones, and from several processes at once. */
@ExtendWith(PostgresExtension.class)
class SchemaApplierTest {

    @Test
    void aNewDatabaseGetsTheTablesAndColumnsTheCodeUses() throws Exception {
        try (TestDatabase empty = TestPostgres.newEmptyDatabase()) {
            SchemaApplier.apply(empty.dataSource());

            assertThat(columns(empty.dataSource(), "user_settings"))
                    .containsExactly("user_id", "key", "value", "updated_at");
            assertThat(columns(empty.dataSource(), "todos")).containsExactly("id", "user_id", "number", "title",
                    "notes", "due_date", "due_time", "priority", "done", "created_at", "updated_at", "completed_at");
        }
    }

    @Test
    void applyingItAgainKeepsTheData(DataSource dataSource) throws Exception {
        new UserSettingsStore(dataSource).put("alice", "model", "gpt-4o");
        execute(dataSource, "INSERT INTO todos (user_id, number, title) VALUES ('alice', 1, 'buy milk')");

        SchemaApplier.apply(dataSource);
        SchemaApplier.apply(dataSource);

        assertThat(new UserSettingsStore(dataSource).get("alice", "model")).contains("gpt-4o");
        assertThat(count(dataSource, "todos")).isEqualTo(1);
    }

    @Test
    void severalCortanasStartingTogetherOnANewDatabaseAllSucceed() throws Exception {
        try (TestDatabase empty = TestPostgres.newEmptyDatabase()) {
            int starters = 4;
            ExecutorService pool = Executors.newFixedThreadPool(starters);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        SchemaApplier.apply(empty.dataSource());
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> result : results) {
                    result.get(); // throws if any failed
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(count(empty.dataSource(), "user_settings")).isZero();
        }
    }

    @Test
    void theConnectionIsLeftInTheAutoCommitModeItHad(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            SchemaApplier.apply(connection);
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    private static List<String> columns(DataSource dataSource, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT column_name FROM information_schema.columns "
                     + "WHERE table_schema = 'public' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        return columns;
    }

    private static int count(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
