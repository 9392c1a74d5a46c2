package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.PostgresExtension;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code DATABASE_URL} set (Supabase, or any PostgreSQL), Cortana uses that server; here the test server plays
 * it. What a user sees when the URL is right, and when it is not.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DatabaseExternalTest {

    private final TestDatabase server;

    @TempDir
    Path workspace;

    DatabaseExternalTest(TestDatabase server) {
        this.server = server;
    }

    @Test
    void aPostgresqlUrlWithAnEncodedPasswordOpensThatDatabaseAndNoEmbeddedOne() {
        try (Database database = Database.open(Optional.of(server.postgresUrl()), workspace)) {
            new UserSettingsStore(database.dataSource()).put("carol", "model", "claude");

            assertThat(database.embedded()).isFalse();
            assertThat(new UserSettingsStore(server.dataSource()).get("carol", "model")).contains("claude");
        }
        assertThat(workspace.resolve(".postgres")).doesNotExist();
    }

    @Test
    void itDescribesItselfByTheUrlWithoutThePassword() {
        try (Database database = Database.open(Optional.of(server.postgresUrl()), workspace)) {
            assertThat(database.description()).isEqualTo(
                    "postgresql://cortana@127.0.0.1:" + server.port() + "/" + server.name());
            assertNoPassword(database.description());
            assertNoPassword(database.toString());
            assertNoPassword(database.poolSettingsForTest().get("jdbcUrl"));
        }
    }

    @Test
    void thePostgresSchemeWorksToo() {
        String url = server.postgresUrl().replaceFirst("^postgresql://", "postgres://");
        try (Database database = Database.open(Optional.of(url), workspace)) {
            assertThat(new UserSettingsStore(database.dataSource()).all("nobody")).isEmpty();
        }
    }

    @Test
    void aJdbcUrlWithThePasswordAsParameterWorksAndIsShownWithoutIt() {
        String url = server.jdbcUrl() + "?user=" + server.user() + "&password="
                + URLEncoder.encode(server.password(), StandardCharsets.UTF_8);
        try (Database database = Database.open(Optional.of(url), workspace)) {
            new UserSettingsStore(database.dataSource()).put("dave", "k", "v");
            assertThat(database.description()).isEqualTo(server.jdbcUrl() + "?user=cortana");
            assertNoPassword(database.poolSettingsForTest().get("jdbcUrl"));
        }
    }

    @Test
    void aWrongPasswordFailsNamingAuthenticationAndNotThePassword() {
        String url = "postgresql://cortana:wrong-hunter22@127.0.0.1:" + server.port() + "/" + server.name();

        assertThatThrownBy(() -> Database.open(Optional.of(url), workspace))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("Cannot connect to the database in DATABASE_URL (postgresql://cortana@127.0.0.1:"
                        + server.port() + "/" + server.name() + "): authentication failed for user cortana. Check "
                        + "the user name and password")
                .hasMessageNotContaining("wrong-hunter22");
    }

    @Test
    void aServerThatIsNotThereFailsWithinSecondsSayingConnectionRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        String url = "postgresql://cortana:hunter22@127.0.0.1:" + closedPort + "/postgres";

        long started = System.nanoTime();
        assertThatThrownBy(() -> Database.open(Optional.of(url), workspace))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("Cannot connect to the database in DATABASE_URL (postgresql://cortana@127.0.0.1:"
                        + closedPort + "/postgres): connection refused. Check the host and port, and that the server "
                        + "is running and accepts TCP connections; or unset DATABASE_URL to use the embedded "
                        + "PostgreSQL.");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3_000);
    }

    @Test
    void aDatabaseThatDoesNotExistIsNamedAsSuch() {
        String url = server.postgresUrl().replace("/" + server.name(), "/no_such_db");

        assertThatThrownBy(() -> Database.open(Optional.of(url), workspace))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("the database does not exist")
                .hasMessageContaining("/no_such_db");
    }

    @Test
    void sslmodeRequireIsPassedOnToTheDriver() {
        // The test server has no TLS: a rejected TLS request proves the parameter reached the driver.
        assertThatThrownBy(() -> Database.open(Optional.of(server.postgresUrl() + "?sslmode=require"), workspace))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("the secure connection failed")
                .hasMessageContaining("sslmode");
    }

    @Test
    void aMalformedUrlFailsNamingDatabaseUrlAndTheExpectedForm() {
        assertThatThrownBy(() -> Database.open(Optional.of("localhost:5432/postgres"), workspace))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("DATABASE_URL is not a valid PostgreSQL URL")
                .hasMessageContaining("postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
    }

    private static AbstractStringAssert<?> assertNoPassword(String text) {
        return assertThat(text).doesNotContain(TestPostgres.PASSWORD).doesNotContain("p@ss").doesNotContain("p%40ss")
                .doesNotContain("T3st");
    }
}
