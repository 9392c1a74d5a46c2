package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** How {@code DATABASE_URL} values, as users paste them, are read, and that the password never shows. */
class DatabaseUrlTest {

    private static final String SUPABASE_SESSION_POOLER =
            "postgresql://postgres.abcdefghijklmnop:S3cr%40t%2Fpw%3A%23x@aws-0-eu-central-1.pooler.supabase.com:5432/postgres";

    @Nested
    class PostgresqlUrls {

        @Test
        void supabasesSessionPoolerStringGivesAPasswordFreeJdbcUrlAndTheDecodedCredentials() {
            DatabaseUrl url = DatabaseUrl.parse(SUPABASE_SESSION_POOLER);

            assertThat(url.jdbcUrl()).isEqualTo(
                    "jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:5432/postgres");
            assertThat(url.user()).contains("postgres.abcdefghijklmnop");
            assertThat(url.password()).contains("S3cr@t/pw:#x");
            assertThat(url.target()).isEqualTo(
                    "postgresql://postgres.abcdefghijklmnop@aws-0-eu-central-1.pooler.supabase.com:5432/postgres");
            assertThat(url.connectionProperties())
                    .containsEntry("user", "postgres.abcdefghijklmnop")
                    .containsEntry("password", "S3cr@t/pw:#x")
                    .containsEntry("connectTimeout", "5");
        }

        @Test
        void thePostgresSchemeAndQueryParametersSuchAsSslmodeAreKept() {
            DatabaseUrl url = DatabaseUrl.parse("postgres://cortana:pw@db.example.com:5432/postgres?sslmode=require");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5432/postgres?sslmode=require");
            assertThat(url.target()).isEqualTo("postgresql://cortana@db.example.com:5432/postgres");
        }

        @Test
        void aPlusInThePasswordStaysAPlusAsInLibpq() {
            assertThat(DatabaseUrl.parse("postgresql://u:a+b%2Bc@h/db").password()).contains("a+b+c");
        }

        @Test
        void percentEncodedUtf8IsDecoded() {
            assertThat(DatabaseUrl.parse("postgresql://u:caf%C3%A9@h/db").password()).contains("café");
        }

        @Test
        void aPastedUnencodedPasswordWithAtColonSlashAndPercentStillWorks() {
            DatabaseUrl url = DatabaseUrl.parse("postgresql://me:p@ss:w/rd 100%@db.example.com/app");

            assertThat(url.user()).contains("me");
            assertThat(url.password()).contains("p@ss:w/rd 100%");
            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5432/app");
        }

        @Test
        void thePortDefaultsTo5432() {
            assertThat(DatabaseUrl.parse("postgresql://u:p@db.example.com/app").target())
                    .isEqualTo("postgresql://u@db.example.com:5432/app");
        }

        @Test
        void withoutUserInfoThereIsNoUserAndNoPassword() {
            DatabaseUrl url = DatabaseUrl.parse("postgresql://localhost/app");

            assertThat(url.user()).isEmpty();
            assertThat(url.password()).isEmpty();
            assertThat(url.connectionProperties()).doesNotContainKeys("user", "password");
        }

        @Test
        void ipv6AddressesAndSeveralHostsAreUnderstood() {
            assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:6000/app").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://[::1]:6000/app");
            assertThat(DatabaseUrl.parse("postgresql://u:p@a.example.com:5433,b.example.com/app").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://a.example.com:5433,b.example.com:5432/app");
        }

        @Test
        void libpqParameterNamesAreTranslatedAndUserAndPasswordParametersLeaveTheUrl() {
            DatabaseUrl url = DatabaseUrl.parse(
                    "postgresql://db.example.com/app?user=me&password=s%26cret&connect_timeout=3&application_name=bot");

            assertThat(url.user()).contains("me");
            assertThat(url.password()).contains("s&cret");
            assertThat(url.jdbcUrl())
                    .isEqualTo("jdbc:postgresql://db.example.com:5432/app?connectTimeout=3&ApplicationName=bot")
                    .doesNotContain("cret");
        }

        @Test
        void supabasesTransactionPoolerGetsServerSidePreparedStatementsTurnedOff() {
            String pooler = "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";

            assertThat(DatabaseUrl.parse(pooler).jdbcUrl()).endsWith("/postgres?prepareThreshold=0");
            assertThat(DatabaseUrl.parse(pooler + "?prepareThreshold=5").jdbcUrl()).endsWith("prepareThreshold=5");
        }

        @Test
        void surroundingBlanksAreIgnored() {
            assertThat(DatabaseUrl.parse("  postgresql://u:p@h:1/d \n").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://h:1/d");
        }
    }

    @Nested
    class JdbcUrls {

        @Test
        void areUsedAsTheyAreExceptThatThePasswordParameterBecomesAProperty() {
            DatabaseUrl url = DatabaseUrl.parse(
                    "jdbc:postgresql://db.example.com:5433/app?user=me&password=s%3Dcret&sslmode=require");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/app?user=me&sslmode=require");
            assertThat(url.user()).contains("me");
            assertThat(url.password()).contains("s=cret");
            assertThat(url.target()).isEqualTo("jdbc:postgresql://db.example.com:5433/app?user=me");
        }

        @Test
        void withoutCredentialsPassThroughUnchanged() {
            String jdbc = "jdbc:postgresql://localhost/app?sslmode=disable";

            assertThat(DatabaseUrl.parse(jdbc).jdbcUrl()).isEqualTo(jdbc);
            assertThat(DatabaseUrl.parse(jdbc).password()).isEmpty();
        }
    }

    @Nested
    class MalformedUrls {

        @Test
        void anotherSchemeIsRejectedNamingDatabaseUrlAndTheExpectedForm() {
            assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter22@db/app"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("DATABASE_URL")
                    .hasMessageContaining("postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
                    .hasMessageNotContaining("hunter22");
        }

        @Test
        void aBadPortIsRejectedWithoutQuotingAnyPartOfTheUrl() {
            assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter22@db.example.com:54x2/app"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageStartingWith("DATABASE_URL is not a valid PostgreSQL URL (the port is not a number")
                    .hasMessageNotContaining("hunter22")
                    .hasMessageNotContaining("54x2");
        }

        @Test
        void aMissingHostIsRejected() {
            assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter22@/app"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("no host")
                    .hasMessageNotContaining("hunter22");
        }

        @Test
        void supabasesPasswordPlaceholderIsPointedOut() {
            assertThatThrownBy(() -> DatabaseUrl.parse(
                    "postgresql://postgres:[YOUR-PASSWORD]@db.abcdefghijklmnop.supabase.co:5432/postgres"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("DATABASE_URL still holds Supabase's placeholder [YOUR-PASSWORD]");
        }

        @Test
        void messagesAreOneLine() {
            assertThatThrownBy(() -> DatabaseUrl.parse("nonsense")).satisfies(e ->
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r"));
        }
    }

    @Nested
    class ThePasswordNeverShows {

        @Test
        void inToStringOrTarget() {
            DatabaseUrl url = DatabaseUrl.parse(SUPABASE_SESSION_POOLER);

            assertThat(url.toString()).isEqualTo(url.target()).doesNotContain("S3cr").doesNotContain("%40t");
            assertThat(url.jdbcUrl()).doesNotContain("S3cr");
        }

        @Test
        void inAFailureMessageEvenIfTheDriversMessageQuotedIt() {
            DatabaseUrl url = DatabaseUrl.parse("postgresql://me:hunter22@db.example.com/app");

            String message = Database.connectFailure(url, new SQLException("weird failure near hunter22", "08006"));

            assertThat(message).doesNotContain("hunter22").contains("***");
        }
    }

    @Nested
    class ConnectionFailuresAreNamedAsAUserWouldSayThem {

        private final DatabaseUrl url = DatabaseUrl.parse("postgresql://cortana:hunter22@db.example.com:5432/postgres");

        @Test
        void anUnknownHost() {
            String message = Database.connectFailure(url, new PSQLException("The connection attempt failed.",
                    PSQLState.CONNECTION_UNABLE_TO_CONNECT, new UnknownHostException("db.example.com")));

            assertThat(message).isEqualTo("Cannot connect to the database in DATABASE_URL "
                    + "(postgresql://cortana@db.example.com:5432/postgres): unknown host db.example.com. Check the "
                    + "host name (copy the connection string again from your provider); or unset DATABASE_URL to use "
                    + "the embedded PostgreSQL.");
        }

        @Test
        void supabasesIpv6OnlyDirectHostIsExplained() {
            DatabaseUrl supabase = DatabaseUrl.parse("postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres");

            String message = Database.connectFailure(supabase, new PSQLException("The connection attempt failed.",
                    PSQLState.CONNECTION_UNABLE_TO_CONNECT, new UnknownHostException("db.abcdefghijklmnop.supabase.co")));

            assertThat(message).contains("unknown host db.abcdefghijklmnop.supabase.co")
                    .contains("only an IPv6 address").contains("Session pooler");
        }

        @Test
        void anUnreachableNetworkAsWhenAnIpv4OnlyMachineTriesSupabasesDirectHost() {
            DatabaseUrl supabase = DatabaseUrl.parse("postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres");

            String message = Database.connectFailure(supabase, new PSQLException("The connection attempt failed.",
                    PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("Network is unreachable")));

            assertThat(message).contains("): network unreachable. Check that this machine can reach "
                    + "db.abcdefghijklmnop.supabase.co. Supabase's direct host has only an IPv6 address");
        }

        @Test
        void aTimeout() {
            String message = Database.connectFailure(url, new PSQLException("The connection attempt failed.",
                    PSQLState.CONNECTION_UNABLE_TO_CONNECT, new SocketTimeoutException("Connect timed out")));

            assertThat(message).contains("): no answer within 5 s. Check the host and port");
        }

        @Test
        void aTenantUnknownToSupabasesPooler() {
            String message = Database.connectFailure(url,
                    new SQLException("FATAL: Tenant or user not found", "XX000"));

            assertThat(message).contains("Tenant or user not found").contains("postgres.YOUR-PROJECT-REF");
        }
    }
}
