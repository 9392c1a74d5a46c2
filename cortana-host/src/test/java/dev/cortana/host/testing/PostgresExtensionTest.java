package dev.cortana.host.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a test that uses {@link PostgresExtension} can count on. */
@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {

    private final TestDatabase database;

    PostgresExtensionTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void constructorAndMethodParametersOfOneClassGetTheSameDatabase(TestDatabase again, DataSource dataSource) {
        assertThat(again).isSameAs(database);
        assertThat(dataSource).isSameAs(database.dataSource());
    }

    @Test
    void theDatabaseHasCortanasSchemaAndBelongsToTheNonSuperuserRole(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_user, "
                     + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                     + "to_regclass('public.user_settings') IS NOT NULL, to_regclass('public.todos') IS NOT NULL")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(TestPostgres.USER);
            assertThat(rows.getBoolean(2)).isFalse();
            assertThat(rows.getBoolean(3)).isTrue();
            assertThat(rows.getBoolean(4)).isTrue();
        }
    }

    @Test
    void aDatabaseOfItsOwnIsClosedAndDroppedWhenClosed() throws Exception {
        TestDatabase own = TestPostgres.newDatabase();
        assertThat(own.name()).isNotEqualTo(database.name());

        own.close();

        try (Connection admin = TestPostgres.superuserConnection();
             Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM pg_database WHERE datname = '" + own.name() + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
    }

    @Nested
    class NestedClasses {

        @Test
        void shareTheirOuterClassesDatabase(TestDatabase nested) {
            assertThat(nested).isSameAs(database);
        }
    }
}
