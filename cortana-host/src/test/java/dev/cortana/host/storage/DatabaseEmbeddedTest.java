package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without {@code DATABASE_URL}, Cortana keeps its data in an embedded PostgreSQL inside the workspace; these are
 * the promises to a user who stops, restarts, or kills Cortana.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseEmbeddedTest {

    /** A workspace whose database was initialised once: copied by tests that are not about the first start. */
    @TempDir
    static Path initialised;

    @TempDir
    Path workspace;

    @BeforeAll
    static void initialiseOnce() {
        Database.open(Optional.empty(), initialised).close();
    }

    @Test
    void aSettingSavedBeforeCloseIsThereAfterReopeningTheSameWorkspace() {
        try (Database database = Database.open(Optional.empty(), workspace)) {
            new UserSettingsStore(database.dataSource()).put("alice", "model", "gpt-4o");
        }

        try (Database database = Database.open(Optional.empty(), workspace)) {
            assertThat(new UserSettingsStore(database.dataSource()).get("alice", "model")).contains("gpt-4o");
        }
    }

    @Test
    void itDescribesItselfAsEmbeddedPostgresWithItsDataInTheWorkspace() throws IOException {
        copyInitialisedDatabase();
        try (Database database = Database.open(Optional.of("  "), workspace)) {
            assertThat(database.embedded()).isTrue();
            assertThat(database.description()).isEqualTo(
                    "embedded PostgreSQL 14 (data in " + workspace.toAbsolutePath().resolve(".postgres") + ")");
            assertThat(database.poolSettingsForTest()).containsEntry("poolName", "cortana");
        }
        assertThat(workspace.resolve(".postgres/PG_VERSION")).exists();
    }

    @Test
    void afterCortanaWasKilledItsStillRunningServerIsStoppedAndTheDataIsThere() throws Exception {
        copyInitialisedDatabase();
        Process child = startChild(workspace);
        try {
            ChildJvm.awaitLine(child, KilledRunChild.READY, java.time.Duration.ofSeconds(45));
        } catch (Exception e) {
            child.destroyForcibly();
            throw e;
        }
        long leftoverPid = postmasterPid(workspace);
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs, the server goes on running
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).contains(true);

        long started = System.nanoTime();
        try (Database database = Database.open(Optional.empty(), workspace)) {
            assertThat(new UserSettingsStore(database.dataSource()).get("alice", "timezone"))
                    .contains("Europe/Berlin");
            assertThat(postmasterPid(workspace)).isNotEqualTo(leftoverPid);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
    }

    @Test
    void aStalePidFileNamingAnUnrelatedLiveProcessDoesNotBlockTheStart() throws Exception {
        copyInitialisedDatabase();
        try (Database database = Database.open(Optional.empty(), workspace)) {
            new UserSettingsStore(database.dataSource()).put("bob", "language", "de");
        }
        // As after a crash and reboot, when the pid in postmaster.pid now belongs to another program.
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(workspace.resolve(".postgres/postmaster.pid"),
                    unrelated.pid() + "\n" + workspace.resolve(".postgres") + "\n1700000000\n5432\n\n127.0.0.1\n"
                            + "  1234567         8\nready   \n");

            try (Database database = Database.open(Optional.empty(), workspace)) {
                assertThat(new UserSettingsStore(database.dataSource()).get("bob", "language")).contains("de");
            }
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void aSecondCortanaOnTheSameWorkspaceIsRefusedWithoutDisturbingTheFirst() throws IOException {
        copyInitialisedDatabase();
        try (Database first = Database.open(Optional.empty(), workspace)) {
            assertThatThrownBy(() -> Database.open(Optional.empty(), workspace))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("is in use by another running Cortana")
                    .hasMessageContaining("WORKSPACE_DIR");

            new UserSettingsStore(first.dataSource()).put("alice", "still", "working");
            assertThat(new UserSettingsStore(first.dataSource()).get("alice", "still")).contains("working");
        }
    }

    @Test
    void anInterruptedFirstInitialisationIsMovedAsideAndDoneAgain() throws Exception {
        Path data = Files.createDirectories(workspace.resolve(".postgres"));
        Files.writeString(data.resolve("PG_VERSION"), "14\n");
        Files.writeString(data.resolve("postgresql.conf"), "# half written\n");
        Files.createDirectories(data.resolve("base"));

        try (Database database = Database.open(Optional.empty(), workspace)) {
            new UserSettingsStore(database.dataSource()).put("alice", "a", "b");
        }

        try (Stream<Path> files = Files.list(workspace)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).contains(".postgres").anyMatch(n -> n.startsWith(".postgres.incomplete-"));
        }
    }

    @Test
    void theEmbeddedServerAcceptsOnlyItsPasswordAndListensOnlyOnLoopback() throws Exception {
        copyInitialisedDatabase();
        try (Database database = Database.open(Optional.empty(), workspace);
             Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(show(statement, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(show(statement, "fsync")).isEqualTo("on");
            assertThat(show(statement, "synchronous_commit")).isEqualTo("on");
            assertThat(show(statement, "server_encoding")).isEqualTo("UTF8");
            assertThat(Files.readString(workspace.resolve(".postgres/pg_hba.conf")))
                    .doesNotContain("trust").contains("scram-sha-256");
            String url = "jdbc:postgresql://127.0.0.1:" + show(statement, "port") + "/postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guessed").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    /** A copy of a cleanly stopped server's data directory is a valid data directory: saves an initdb. */
    private void copyInitialisedDatabase() throws IOException {
        Path from = initialised.resolve(".postgres");
        Path to = workspace.resolve(".postgres");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static String show(Statement statement, String setting) throws Exception {
        try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static Process startChild(Path workspace) throws IOException {
        return ChildJvm.start(KilledRunChild.class, workspace.toString());
    }


    private static long postmasterPid(Path workspace) throws IOException {
        return Long.parseLong(Files.readAllLines(workspace.resolve(".postgres/postmaster.pid")).get(0).strip());
    }
}
