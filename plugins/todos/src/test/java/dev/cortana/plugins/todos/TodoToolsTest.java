package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The todo tools against a real PostgreSQL with the plugin's migrations applied; "now" is Wed 2026-11-25 10:00 in Berlin. */
class TodoToolsTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("todos");

    private final DataSource dataSource = DATABASE.dataSource();
    private final TodoTools tools;
    // Unique per test, so the tests hold whether or not the database is shared between them.
    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    TodoToolsTest() {
        this.tools = TodoContexts.tools(DATABASE, Map.of());
    }

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private String add(String title) {
        return tools.add_todo(alice, title, null, null, null);
    }

    private String addDue(String title, String due) {
        return tools.add_todo(alice, title, due, null, null);
    }

    // --- add -----------------------------------------------------------------------------------------------------

    @Test
    void addsWithoutDue() {
        assertThat(add("buy milk")).isEqualTo("Added \"buy milk\".");
        assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk");
    }

    @Test
    void addsWithDueDate() {
        assertThat(addDue("buy milk", "2026-11-27")).isEqualTo("Added \"buy milk\" (due Fri 2026-11-27).");
        assertThat(tools.list_todos(alice, "open")).isEqualTo("1. buy milk — due Fri 2026-11-27");
    }

    @Test
    void addsWithDueDateAndTime() {
        assertThat(addDue("buy milk", "2026-11-27T09:00"))
                .isEqualTo("Added \"buy milk\" (due Fri 2026-11-27 09:00).");
        assertThat(addDue("call mum", " 2026-11-28T18:30:45 "))
                .isEqualTo("Added \"call mum\" (due Sat 2026-11-28 18:30).");
        assertThat(tools.list_todos(alice, null)).isEqualTo("""
                1. buy milk — due Fri 2026-11-27 09:00
                2. call mum — due Sat 2026-11-28 18:30""");
    }

    @Test
    void blankOptionalArgumentsCountAsAbsent() {
        assertThat(tools.add_todo(alice, "  buy\n milk ", "", " ", "")).isEqualTo("Added \"buy milk\".");
        assertThat(tools.list_todos(alice, "")).isEqualTo("1. buy milk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Friday", "27/11/2026", "2026-13-01", "2026-02-30", "tomorrow 9am", "2026-11-27 09:00",
            "2026-11-27T25:00", "2026-11-27T09:00+01:00", "2026-11-27T09:00Z", "20261127"})
    void rejectsDueThatIsNotIsoLocalDateOrDateTime(String due) {
        assertThat(addDue("buy milk", due)).isEqualTo(
                "Error: due must be an ISO-8601 date like 2026-11-27 or date-time like 2026-11-27T09:00, got \"" + due + "\"");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("No todos.");
    }

    @Test
    void rejectsEmptyOrTooLongTitle() {
        assertThat(add(null)).isEqualTo("Error: title must not be empty");
        assertThat(add("   ")).isEqualTo("Error: title must not be empty");
        assertThat(add("x".repeat(501))).isEqualTo("Error: title must be at most 500 characters");
        assertThat(add("x".repeat(500))).startsWith("Added ");
    }

    @Test
    void aNulCharacterInATitleOrNotesIsAClearErrorAndNothingIsSaved() {
        assertThat(add("buy\0milk"))
                .isEqualTo("Error: the title contains a NUL character (\\u0000), which cannot be saved; send the title without it");
        assertThat(tools.add_todo(alice, "buy milk", null, null, "2 litres\0"))
                .isEqualTo("Error: the notes contains a NUL character (\\u0000), which cannot be saved; send the notes without it");
        assertThat(tools.list_todos(alice, "all")).doesNotContain("buy");

        add("buy milk");
        assertThat(tools.update_todo(alice, 1, "buy\0oat milk", null, null, null)).startsWith("Error: the title contains a NUL character");
        assertThat(tools.update_todo(alice, 1, null, null, null, "\0")).startsWith("Error: the notes contains a NUL character");
        assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk");
    }

    @Test
    void everyOtherTextArgumentWithANulCharacterIsAClearErrorToo() {
        assertThat(tools.add_todo(alice, "x", "2026-11-27\0", null, null)).startsWith("Error: the due contains a NUL character");
        assertThat(tools.add_todo(alice, "x", null, "high\0", null)).startsWith("Error: the priority contains a NUL character");
        assertThat(tools.list_todos(alice, "open\0")).startsWith("Error: the status contains a NUL character");
        assertThat(add("half an emoji \uD83D")).isEqualTo("Error: the title contains a broken character (an unpaired "
                + "UTF-16 surrogate), which cannot be saved; send the title as valid text");
        assertThat(add("a whole emoji \uD83D\uDE00")).startsWith("Added ");
    }

    @Test
    void priorities() {
        tools.add_todo(alice, "pay rent", null, "high", null);
        tools.add_todo(alice, "water plants", null, "LOW", null);
        tools.add_todo(alice, "read book", null, " Normal ", null);
        assertThat(tools.add_todo(alice, "panic", null, "urgent", null))
                .isEqualTo("Error: priority must be low, normal or high, got \"urgent\"");
        assertThat(tools.list_todos(alice, null)).isEqualTo("""
                1. pay rent — high priority
                2. water plants — low priority
                3. read book""");
    }

    @Test
    void notesAreShownOnOneLine() {
        tools.add_todo(alice, "buy milk", "2026-11-27", "high", "oat milk,\n  the big one");
        assertThat(tools.list_todos(alice, null))
                .isEqualTo("1. buy milk — due Fri 2026-11-27 — high priority — notes: oat milk, the big one");
    }

    // --- list ----------------------------------------------------------------------------------------------------

    @Test
    void listsOpenTodosByDueDateThenNumberAndMarksOverdue() {
        add("no due");                                  // 1
        addDue("end of month", "2026-11-30");           // 2
        addDue("friday morning", "2026-11-27T09:00");   // 3
        addDue("friday", "2026-11-27");                 // 4
        addDue("last week", "2026-11-20");              // 5 overdue
        addDue("this morning", "2026-11-25T09:00");     // 6 overdue: it is 10:00
        addDue("today", "2026-11-25");                  // 7 due today, not overdue
        addDue("this noon", "2026-11-25T11:00");        // 8
        addDue("friday too", "2026-11-27");             // 9 same day as 4: by number
        add("no due either");                           // 10

        assertThat(tools.list_todos(alice, "open")).isEqualTo("""
                5. last week — due Fri 2026-11-20 (overdue)
                7. today — due Wed 2026-11-25
                6. this morning — due Wed 2026-11-25 09:00 (overdue)
                8. this noon — due Wed 2026-11-25 11:00
                4. friday — due Fri 2026-11-27
                9. friday too — due Fri 2026-11-27
                3. friday morning — due Fri 2026-11-27 09:00
                2. end of month — due Mon 2026-11-30
                1. no due
                10. no due either""");
    }

    @Test
    void listsDoneAndAll() {
        assertThat(tools.list_todos(alice, null)).isEqualTo("No open todos.");
        assertThat(tools.list_todos(alice, "done")).isEqualTo("No done todos.");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("No todos.");

        add("buy milk");                                         // 1
        tools.add_todo(alice, "pay rent", "2026-11-20", "high", null); // 2, overdue
        add("call mum");                                         // 3
        tools.complete_todo(alice, 2);
        tools.complete_todo(alice, 3);

        assertThat(tools.list_todos(alice, "open")).isEqualTo("1. buy milk");
        assertThat(tools.list_todos(alice, "DONE")).isEqualTo("""
                2. pay rent — due Fri 2026-11-20 — high priority
                3. call mum""");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("""
                2. ✓ pay rent — due Fri 2026-11-20 — high priority
                1. buy milk
                3. ✓ call mum""");

        tools.complete_todo(alice, 1);
        assertThat(tools.list_todos(alice, null)).isEqualTo("No open todos.");
    }

    @Test
    void rejectsUnknownStatus() {
        assertThat(tools.list_todos(alice, "pending")).isEqualTo("Error: status must be open, done or all, got \"pending\"");
    }

    @Test
    void capsLongListsAtTheConfiguredMaximum() {
        TodoTools capped = TodoContexts.tools(DATABASE, Map.of("TODOS_MAX_LIST", "2"));
        for (String title : List.of("a", "b", "c", "d")) {
            capped.add_todo(alice, title, null, null, null);
        }
        assertThat(capped.list_todos(alice, null)).isEqualTo("""
                1. a
                2. b
                …and 2 more.""");
    }

    @Test
    void weekdaysAreEnglishWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(addDue("buy milk", "2026-11-27")).isEqualTo("Added \"buy milk\" (due Fri 2026-11-27).");
            assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk — due Fri 2026-11-27");
        } finally {
            Locale.setDefault(before);
        }
    }

    // --- complete, reopen, update, delete ------------------------------------------------------------------------

    @Test
    void completesAndReopensByNumber() {
        add("buy milk");
        add("call mum");

        assertThat(tools.complete_todo(alice, 2)).isEqualTo("Completed 2. call mum.");
        assertThat(tools.complete_todo(alice, 2)).isEqualTo("Already done: 2. call mum.");
        assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk");
        assertThat(completedAtIsSet(alice, 2)).isTrue();

        assertThat(tools.reopen_todo(alice, 2)).isEqualTo("Reopened 2. call mum.");
        assertThat(tools.reopen_todo(alice, 2)).isEqualTo("Already open: 2. call mum.");
        assertThat(tools.reopen_todo(alice, 1)).isEqualTo("Already open: 1. buy milk.");
        assertThat(completedAtIsSet(alice, 2)).isFalse();
        assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk\n2. call mum");
    }

    @Test
    void unknownNumbersAreErrorsWithAHint() {
        add("buy milk");
        String hint = "Error: no todo #7. Call list_todos to see the numbers.";
        assertThat(tools.complete_todo(alice, 7)).isEqualTo(hint);
        assertThat(tools.reopen_todo(alice, 7)).isEqualTo(hint);
        assertThat(tools.update_todo(alice, 7, "x", null, null, null)).isEqualTo(hint);
        assertThat(tools.delete_todo(alice, 7)).isEqualTo(hint);
        assertThat(tools.complete_todo(alice, 0)).isEqualTo("Error: no todo #0. Call list_todos to see the numbers.");
    }

    @Test
    void updatesOnlyWhatIsGiven() {
        tools.add_todo(alice, "buy milk", "2026-11-27", null, "oat");

        assertThat(tools.update_todo(alice, 1, null, "2026-11-28T09:00", null, null))
                .isEqualTo("Updated 1. buy milk — due Sat 2026-11-28 09:00 — notes: oat.");
        assertThat(tools.update_todo(alice, 1, "buy oat milk", null, "high", null))
                .isEqualTo("Updated 1. buy oat milk — due Sat 2026-11-28 09:00 — high priority — notes: oat.");
        assertThat(tools.update_todo(alice, 1, "", "none", "normal", "none"))
                .isEqualTo("Updated 1. buy oat milk.");
        assertThat(tools.update_todo(alice, 1, null, "2026-11-20", null, "from the corner shop"))
                .isEqualTo("Updated 1. buy oat milk — due Fri 2026-11-20 (overdue) — notes: from the corner shop.");
        assertThat(tools.list_todos(alice, null))
                .isEqualTo("1. buy oat milk — due Fri 2026-11-20 (overdue) — notes: from the corner shop");
    }

    @Test
    void updateRejectsBadArgumentsAndChangesNothing() {
        addDue("buy milk", "2026-11-27");
        assertThat(tools.update_todo(alice, 1, null, null, null, null))
                .isEqualTo("Error: nothing to change; give title, due, priority or notes.");
        assertThat(tools.update_todo(alice, 1, "x", "Friday", null, null)).isEqualTo(
                "Error: due must be an ISO-8601 date like 2026-11-27 or date-time like 2026-11-27T09:00, got \"Friday\"");
        assertThat(tools.update_todo(alice, 1, null, null, "asap", null))
                .isEqualTo("Error: priority must be low, normal or high, got \"asap\"");
        assertThat(tools.list_todos(alice, null)).isEqualTo("1. buy milk — due Fri 2026-11-27");
    }

    @Test
    void updatingADoneTodoKeepsItDone() {
        add("call mum");
        tools.complete_todo(alice, 1);
        assertThat(tools.update_todo(alice, 1, "call mum back", null, null, null)).isEqualTo("Updated 1. ✓ call mum back.");
        assertThat(tools.list_todos(alice, "done")).isEqualTo("1. call mum back");
    }

    @Test
    void deletesByNumber() {
        add("buy milk");
        add("call mum");
        assertThat(tools.delete_todo(alice, 1)).isEqualTo("Deleted 1. buy milk.");
        assertThat(tools.delete_todo(alice, 1)).isEqualTo("Error: no todo #1. Call list_todos to see the numbers.");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("2. call mum");
    }

    // --- numbers and users ---------------------------------------------------------------------------------------

    @Test
    void numbersArePerUserAndNeverReused() {
        add("one");
        add("two");
        add("three");
        assertThat(tools.add_todo(bob, "bob's first", null, null, null)).isEqualTo("Added \"bob's first\".");

        tools.delete_todo(alice, 3); // the highest
        assertThat(add("four")).isEqualTo("Added \"four\".");
        tools.delete_todo(alice, 2);
        tools.delete_todo(alice, 4);
        tools.delete_todo(alice, 1);
        assertThat(tools.list_todos(alice, "all")).isEqualTo("No todos.");
        assertThat(add("five")).isEqualTo("Added \"five\".");

        assertThat(tools.add_todo(bob, "bob's second", null, null, null)).isEqualTo("Added \"bob's second\".");
    }

    @Test
    void numbersStayAboveTodosThatPredateTheCounter() throws SQLException {
        // Rows written before the counter existed (or with the counter row gone) still get no duplicate number.
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO todos (user_id, number, title) VALUES (?, 41, 'imported')")) {
            insert.setString(1, alice);
            insert.executeUpdate();
        }
        assertThat(add("new")).isEqualTo("Added \"new\".");
    }

    @Test
    void usersDoNotSeeOrTouchEachOthersTodos() {
        add("alice's secret");
        tools.add_todo(bob, "bob's errand", null, null, null);

        assertThat(tools.list_todos(bob, "all")).isEqualTo("1. bob's errand");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("1. alice's secret");

        tools.delete_todo(bob, 1);
        assertThat(tools.complete_todo(bob, 1)).isEqualTo("Error: no todo #1. Call list_todos to see the numbers.");
        assertThat(tools.update_todo(bob, 1, "hacked", null, null, null)).startsWith("Error: no todo #1.");
        assertThat(tools.delete_todo(bob, 1)).startsWith("Error: no todo #1.");
        assertThat(tools.list_todos(alice, "all")).isEqualTo("1. alice's secret");
    }

    @Test
    void concurrentAddsGetDistinctNumbers() throws Exception {
        int threads = 4;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Void> adds = () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(tools.add_todo(alice, "task " + thread + "-" + i, null, null, null)).startsWith("Added");
                    }
                    return null;
                };
                futures.add(pool.submit(adds));
            }
            start.countDown(); // the very first adds race for the user's counter row too
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> numbers = tools.list_todos(alice, null).lines()
                .map(line -> Integer.parseInt(line.substring(0, line.indexOf('.'))))
                .toList();
        assertThat(numbers).doesNotHaveDuplicates().hasSize(threads * perThread)
                .allMatch(n -> n >= 1 && n <= threads * perThread);
    }

    private boolean completedAtIsSet(String user, int number) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT completed_at IS NOT NULL FROM todos WHERE user_id = ? AND number = ?")) {
            query.setString(1, user);
            query.setInt(2, number);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
