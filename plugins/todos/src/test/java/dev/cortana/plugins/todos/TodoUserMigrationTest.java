package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One user's todos merged into another's, as the host does with the console's when MASTER_USER_ID is first set. */
class TodoUserMigrationTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("todos");

    private final DataSource dataSource = DATABASE.dataSource();
    private final TodoTools tools;
    private final String console = "console-" + UUID.randomUUID();
    private final String master = "master-" + UUID.randomUUID();

    TodoUserMigrationTest() {
        this.tools = TodoContexts.tools(DATABASE, Map.of());
    }

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private void move() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            new TodoUserMigration().moveUser(connection, console, master);
            connection.commit();
        }
    }

    @Test
    void aMasterWithNoTodosGetsTheConsolesWithTheirNumbers() throws Exception {
        tools.add_todo(console, "buy milk", null, null, null);
        tools.add_todo(console, "feed the cat", null, null, null);
        tools.complete_todo(console, 1);

        move();

        assertThat(tools.list_todos(master, "all")).isEqualTo("1. ✓ buy milk\n2. feed the cat");
        assertThat(tools.list_todos(console, "all")).isEqualTo("No todos.");
        assertThat(tools.add_todo(master, "call mum", null, null, null)).isEqualTo("Added \"call mum\".");
        assertThat(tools.list_todos(master, null)).isEqualTo("2. feed the cat\n3. call mum");
    }

    @Test
    void whenBothHaveTodosTheConsolesFollowTheMastersAndNoNumberIsHandedOutTwice() throws Exception {
        tools.add_todo(master, "master one", null, null, null);
        tools.add_todo(master, "master two", null, null, null);
        tools.add_todo(master, "master three", null, null, null);
        tools.delete_todo(master, 3); // number 3 was handed out: it must not come back
        tools.add_todo(console, "console one", null, null, null);
        tools.add_todo(console, "console two", null, null, null);

        move();
        move(); // idempotent: nothing left to move

        assertThat(tools.list_todos(master, null)).isEqualTo("""
                1. master one
                2. master two
                4. console one
                5. console two""");
        tools.add_todo(master, "after the move", null, null, null);
        assertThat(tools.list_todos(master, null)).endsWith("6. after the move");
        tools.add_todo(console, "console again", null, null, null);
        assertThat(tools.list_todos(console, null)).isEqualTo("1. console again");
    }
}
