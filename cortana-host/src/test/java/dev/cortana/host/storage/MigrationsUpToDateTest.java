package dev.cortana.host.storage;

import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up whose migrations are all applied skips Flyway ({@link MigrationsUpToDate}); everything else still goes
 * to Flyway: a new file is applied, an edited one refused, a failed one reported. "Up to date" must agree with what
 * Flyway itself recorded, checksums included, for a folder and for a plugin JAR.
 */
class MigrationsUpToDateTest {

    @TempDir
    Path temp;

    @Test
    void theHostsMigrationsAreUpToDateOnceFlywayAppliedThem() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            ClassLoader host = Migrations.class.getClassLoader();
            assertThat(MigrationsUpToDate.check(db.dataSource(), Migrations.HOST_OWNER, host)).isFalse();

            Migrations.applyHost(db.dataSource());

            assertThat(MigrationsUpToDate.check(db.dataSource(), Migrations.HOST_OWNER, host)).isTrue();
        }
    }

    @Test
    void aPluginJarsMigrationsAreUpToDateOnceAppliedWhateverTheirLineEndingsAndBom() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("V1__jar_items.sql", "\uFEFF-- made on Windows\r\nCREATE TABLE jar_items (id INT PRIMARY KEY);\r\n");
        files.put("V1_1__jar_items_text.sql", "ALTER TABLE jar_items\n    ADD COLUMN text TEXT;");
        Path jar = jar("jarred", files);
        try (TestDatabase db = TestPostgres.newDatabase(); URLClassLoader loader = jarLoader(jar)) {
            assertThat(Migrations.apply(db.dataSource(), "jarred", loader)).isEqualTo(2);

            assertThat(MigrationsUpToDate.check(db.dataSource(), "jarred", loader)).isTrue();
            assertThat(Migrations.apply(db.dataSource(), "jarred", loader)).isZero();
        }
    }

    @Test
    void aNewMigrationIsNotUpToDateAndFlywayAppliesIt() throws Exception {
        Path folder = migrationsFolder("grow");
        Files.writeString(folder.resolve("V1__grow.sql"), "CREATE TABLE grow_items (id INT PRIMARY KEY);");
        try (TestDatabase db = TestPostgres.newDatabase()) {
            try (URLClassLoader loader = folderLoader("grow")) {
                Migrations.apply(db.dataSource(), "grow", loader);
                assertThat(MigrationsUpToDate.check(db.dataSource(), "grow", loader)).isTrue();
            }
            Files.writeString(folder.resolve("V2__grow_text.sql"), "ALTER TABLE grow_items ADD COLUMN text TEXT;");

            try (URLClassLoader loader = folderLoader("grow")) {
                assertThat(MigrationsUpToDate.check(db.dataSource(), "grow", loader)).isFalse();
                assertThat(Migrations.apply(db.dataSource(), "grow", loader)).isEqualTo(1);
                assertThat(MigrationsUpToDate.check(db.dataSource(), "grow", loader)).isTrue();
            }
        }
    }

    @Test
    void anEditedMigrationIsNotUpToDateSoFlywayStillRefusesIt() throws Exception {
        Path folder = migrationsFolder("edit");
        Files.writeString(folder.resolve("V1__edit.sql"), "CREATE TABLE edit_items (id INT PRIMARY KEY);");
        try (TestDatabase db = TestPostgres.newDatabase()) {
            try (URLClassLoader loader = folderLoader("edit")) {
                Migrations.apply(db.dataSource(), "edit", loader);
            }
            Files.writeString(folder.resolve("V1__edit.sql"), "CREATE TABLE edit_items (id BIGINT PRIMARY KEY);");

            try (URLClassLoader loader = folderLoader("edit")) {
                assertThat(MigrationsUpToDate.check(db.dataSource(), "edit", loader)).isFalse();
                assertThatThrownBy(() -> Migrations.apply(db.dataSource(), "edit", loader))
                        .isInstanceOf(Migrations.MigrationException.class)
                        .hasMessageContaining("checksum mismatch for migration version 1");
            }
        }
    }

    @Test
    void aFailedRowIsNotUpToDate() throws Exception {
        Path folder = migrationsFolder("failed");
        Files.writeString(folder.resolve("V1__failed.sql"), "CREATE TABLE failed_items (id INT PRIMARY KEY);");
        try (TestDatabase db = TestPostgres.newDatabase(); URLClassLoader loader = folderLoader("failed")) {
            Migrations.apply(db.dataSource(), "failed", loader);
            execute(db.dataSource(), "UPDATE flyway_history_failed SET success = false WHERE version = '1'");

            assertThat(MigrationsUpToDate.check(db.dataSource(), "failed", loader)).isFalse();
        }
    }

    @Test
    void aDatabaseBaselinedFromSchemaSqlIsUpToDateAfterItsLaterMigrations() throws Exception {
        Path folder = migrationsFolder("legacy");
        Files.writeString(folder.resolve("V1__legacy.sql"), "CREATE TABLE legacy_items (id INT PRIMARY KEY);");
        Files.writeString(folder.resolve("V2__legacy_text.sql"), "ALTER TABLE legacy_items ADD COLUMN text TEXT;");
        try (TestDatabase db = TestPostgres.newEmptyDatabase(); URLClassLoader loader = folderLoader("legacy")) {
            execute(db.dataSource(), "CREATE TABLE legacy_items (id INT PRIMARY KEY)");
            Migrations.apply(db.dataSource(), "legacy", loader);
            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type FROM flyway_history_legacy "
                    + "ORDER BY installed_rank")).containsExactly("1 BASELINE", "2 SQL");

            assertThat(MigrationsUpToDate.check(db.dataSource(), "legacy", loader)).isTrue();
        }
    }

    @Test
    void aRepeatableOrMisnamedScriptIsLeftToFlyway() throws Exception {
        Path folder = migrationsFolder("other");
        Files.writeString(folder.resolve("V1__other.sql"), "CREATE TABLE other_items (id INT PRIMARY KEY);");
        Files.writeString(folder.resolve("R__other_view.sql"), "CREATE OR REPLACE VIEW other_view AS SELECT id FROM other_items;");
        try (TestDatabase db = TestPostgres.newDatabase(); URLClassLoader loader = folderLoader("other")) {
            Migrations.apply(db.dataSource(), "other", loader);

            assertThat(MigrationsUpToDate.check(db.dataSource(), "other", loader)).isFalse();
            assertThat(Migrations.apply(db.dataSource(), "other", loader)).isZero();
        }
    }

    @Test
    void anOwnerWithoutHistoryOrMigrationsIsNotUpToDate() throws Exception {
        try (TestDatabase db = TestPostgres.newDatabase(); URLClassLoader loader = folderLoader("nothing")) {
            assertThat(MigrationsUpToDate.check(db.dataSource(), "nothing", loader)).isFalse();
        }
    }

    private Path jar(String owner, Map<String, String> files) throws IOException {
        Path jar = temp.resolve(owner + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            String folder = Migrations.location(owner) + "/";
            zip.putNextEntry(new JarEntry("cortana/"));
            zip.putNextEntry(new JarEntry("cortana/migrations/"));
            zip.putNextEntry(new JarEntry(folder));
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new JarEntry(folder + file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    /** Like a plugin's class loader over its JAR (Flyway itself comes from the parent, as from the host). */
    private static URLClassLoader jarLoader(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, MigrationsUpToDateTest.class.getClassLoader());
    }

    /** {@code <temp>/<owner>/cortana/migrations/<owner>}, made empty: the owner's migration folder on a class path. */
    private Path migrationsFolder(String owner) throws IOException {
        return Files.createDirectories(temp.resolve(owner).resolve(Migrations.location(owner)));
    }

    /** A class loader over {@code <temp>/<owner>}, the class path folder of {@link #migrationsFolder}. */
    private URLClassLoader folderLoader(String owner) throws IOException {
        return new URLClassLoader(new URL[] {temp.resolve(owner).toUri().toURL()},
                MigrationsUpToDateTest.class.getClassLoader());
    }
}
