package dev.cortana.plugins.todos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code todos} table, over plain JDBC. Every query is scoped to one user.
 *
 * <p>Numbers: a user's next number is one more than the highest number that user ever had. "Ever" needs memory
 * beyond the rows themselves (deleting the highest todo must not free its number), so the high-water mark is kept
 * per user in {@code todo_counters}. Allocation is an atomic upsert whose row lock
 * serialises concurrent adds of one user until their transaction commits; it never goes below
 * {@code max(number) + 1}, so a lost or missing counter cannot cause a clash either.
 */
final class TodoRepository {

    private static final String COLUMNS = "number, title, notes, due_date, due_time, priority, done";

    private static final String NEXT_NUMBER = """
            INSERT INTO todo_counters (user_id, last_number)
            VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM todos WHERE user_id = ?))
            ON CONFLICT (user_id) DO UPDATE SET
                last_number = GREATEST(todo_counters.last_number + 1,
                                       (SELECT COALESCE(MAX(t.number), 0) + 1 FROM todos t WHERE t.user_id = ?))
            RETURNING last_number
            """;

    private static final String INSERT = "INSERT INTO todos (user_id, number, title, notes, due_date, due_time, priority,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS;

    /** Due todos first by day (all-day before timed ones), undated last; then by number. */
    private static final String ORDER = " ORDER BY due_date NULLS LAST, due_time NULLS FIRST, number";

    private final DataSource dataSource;
    private final Clock clock;

    TodoRepository(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** A page of a user's list: at most {@code limit} todos and how many matched in all. */
    record Page(List<Todo> todos, int total) {
    }

    Todo add(String userId, String title, String notes, Due due, Priority priority) {
        OffsetDateTime now = now();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                int number;
                try (PreparedStatement statement = connection.prepareStatement(NEXT_NUMBER)) {
                    statement.setString(1, userId);
                    statement.setString(2, userId);
                    statement.setString(3, userId);
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        number = rs.getInt(1);
                    }
                }
                Todo todo;
                try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                    statement.setString(1, userId);
                    statement.setInt(2, number);
                    statement.setString(3, title);
                    statement.setString(4, notes);
                    statement.setObject(5, due == null ? null : due.date(), Types.DATE);
                    statement.setObject(6, due == null ? null : due.time(), Types.TIME);
                    statement.setString(7, (priority == null ? Priority.NORMAL : priority).label());
                    statement.setObject(8, now);
                    statement.setObject(9, now);
                    todo = single(statement).orElseThrow();
                }
                connection.commit();
                return todo;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("save the todo", e);
        }
    }

    Page list(String userId, TodoStatus status, int limit) {
        String sql = "SELECT " + COLUMNS + ", count(*) OVER () AS total FROM todos WHERE user_id = ?"
                + (status == TodoStatus.ALL ? "" : " AND done = ?") + ORDER + " LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            int i = 1;
            statement.setString(i++, userId);
            if (status != TodoStatus.ALL) {
                statement.setBoolean(i++, status == TodoStatus.DONE);
            }
            statement.setInt(i, limit);
            List<Todo> todos = new ArrayList<>();
            int total = 0;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    todos.add(read(rs));
                    total = rs.getInt("total");
                }
            }
            return new Page(todos, total);
        } catch (SQLException e) {
            throw failure("read the todos", e);
        }
    }

    Optional<Todo> find(String userId, int number) {
        return query("read the todo", "SELECT " + COLUMNS + " FROM todos WHERE user_id = ? AND number = ?",
                statement -> {
                    statement.setString(1, userId);
                    statement.setInt(2, number);
                });
    }

    /** Marks the todo done or open; empty when there is no such todo or it already was. */
    Optional<Todo> setDone(String userId, int number, boolean done) {
        OffsetDateTime now = now();
        return query("save the todo", "UPDATE todos SET done = ?, completed_at = ?, updated_at = ?"
                        + " WHERE user_id = ? AND number = ? AND done <> ? RETURNING " + COLUMNS,
                statement -> {
                    statement.setBoolean(1, done);
                    statement.setObject(2, done ? now : null, Types.TIMESTAMP_WITH_TIMEZONE);
                    statement.setObject(3, now);
                    statement.setString(4, userId);
                    statement.setInt(5, number);
                    statement.setBoolean(6, done);
                });
    }

    /** Applies the patch; empty when there is no such todo. */
    Optional<Todo> update(String userId, int number, TodoPatch patch) {
        List<String> sets = new ArrayList<>();
        List<Object[]> values = new ArrayList<>(); // {value, sqlType}
        if (patch.title() != null) {
            sets.add("title = ?");
            values.add(new Object[] {patch.title(), Types.VARCHAR});
        }
        if (patch.due() != null) {
            sets.add("due_date = ?");
            sets.add("due_time = ?");
            values.add(new Object[] {patch.due().map(Due::date).orElse(null), Types.DATE});
            values.add(new Object[] {patch.due().map(Due::time).orElse(null), Types.TIME});
        }
        if (patch.priority() != null) {
            sets.add("priority = ?");
            values.add(new Object[] {patch.priority().label(), Types.VARCHAR});
        }
        if (patch.notes() != null) {
            sets.add("notes = ?");
            values.add(new Object[] {patch.notes().orElse(null), Types.VARCHAR});
        }
        sets.add("updated_at = ?");
        values.add(new Object[] {now(), Types.TIMESTAMP_WITH_TIMEZONE});
        String sql = "UPDATE todos SET " + String.join(", ", sets) + " WHERE user_id = ? AND number = ? RETURNING " + COLUMNS;
        return query("save the todo", sql, statement -> {
            int i = 1;
            for (Object[] value : values) {
                statement.setObject(i++, value[0], (Integer) value[1]);
            }
            statement.setString(i++, userId);
            statement.setInt(i, number);
        });
    }

    /** Deletes the todo and returns what it was; empty when there is no such todo. */
    Optional<Todo> delete(String userId, int number) {
        return query("delete the todo", "DELETE FROM todos WHERE user_id = ? AND number = ? RETURNING " + COLUMNS,
                statement -> {
                    statement.setString(1, userId);
                    statement.setInt(2, number);
                });
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private Optional<Todo> query(String action, String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return single(statement);
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    private static Optional<Todo> single(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Todo read(ResultSet rs) throws SQLException {
        return new Todo(
                rs.getInt("number"),
                rs.getString("title"),
                rs.getString("notes"),
                rs.getObject("due_date", LocalDate.class),
                rs.getObject("due_time", LocalTime.class),
                Priority.fromDatabase(rs.getString("priority")),
                rs.getBoolean("done"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static IllegalStateException failure(String action, SQLException e) {
        return new IllegalStateException("Could not " + action + ": " + e.getMessage(), e);
    }
}
