package dev.cortana.host.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Whether an owner's history table already records every migration it ships, exactly as shipped: then Flyway has
 * nothing to do and is not started at all. This is the common case, every start-up but the first after an update, and
 * it costs one query instead of Flyway's set-up, class path scan and validation (about 30 ms per plugin, and 0.25 s
 * for the host's first use of Flyway).
 *
 * <p>Only a plain case counts as up to date: one folder of {@code V<version>__<description>.sql} files, and a history
 * whose rows are all successful: at most one baseline first (version 0 for a new owner, or the version schema.sql's
 * tables showed), then one row per later file with the same version, description
 * and checksum (Flyway's: CRC32 of the file's lines without their line breaks). Anything else (a new file, an edited
 * one, a failed or unknown row, a callback or repeatable script, no history table yet, a folder that cannot be
 * listed) answers false, and {@link Migrations#apply} runs Flyway as before, which applies, baselines or reports it.
 */
final class MigrationsUpToDate {

    private static final Pattern VERSIONED = Pattern.compile("V([^_]+(?:_[^_]+)*?)__(.+)\\.sql");

    private MigrationsUpToDate() {
    }

    /** See the class comment; never throws (a failure to tell is "not up to date"). */
    static boolean check(DataSource dataSource, String owner, ClassLoader loader) {
        try {
            Map<MigrationVersion, Script> shipped = shipped(loader, Migrations.location(owner));
            return shipped != null && !shipped.isEmpty() && recordedExactly(dataSource, Migrations.historyTable(owner), shipped);
        } catch (IOException | SQLException | RuntimeException e) {
            return false;
        }
    }

    /** A shipped migration file as Flyway would record it. */
    record Script(String description, int checksum) {
    }

    /** The files of {@code folder} by version; null when it is not one plain folder of versioned SQL files. */
    static Map<MigrationVersion, Script> shipped(ClassLoader loader, String folder) throws IOException {
        List<URL> found = Collections.list(loader.getResources(folder + "/"));
        if (found.size() != 1) {
            return null; // none, or the folder in more than one place: Flyway's scan decides
        }
        URL url = found.get(0);
        Map<String, byte[]> files = new TreeMap<>();
        if (url.getProtocol().equals("file")) {
            Path dir;
            try {
                dir = Path.of(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : list.toList()) {
                    if (!Files.isRegularFile(file)) {
                        return null; // sub-folders: Flyway scans them too
                    }
                    files.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
        } else if (url.getProtocol().equals("jar")) {
            URLConnection connection = url.openConnection();
            if (!(connection instanceof JarURLConnection jar) || !jar.getJarFileURL().getProtocol().equals("file")) {
                return null;
            }
            Path archive;
            try {
                archive = Path.of(jar.getJarFileURL().toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
            String prefix = folder + "/";
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
                        continue;
                    }
                    String rest = name.substring(prefix.length());
                    if (rest.contains("/")) {
                        return null;
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        files.put(rest, in.readAllBytes());
                    }
                }
            }
        } else {
            return null;
        }
        Map<MigrationVersion, Script> scripts = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Matcher name = VERSIONED.matcher(file.getKey());
            if (!name.matches()) {
                return null; // a callback, a repeatable or a misnamed file: Flyway's rules apply
            }
            MigrationVersion version = MigrationVersion.fromVersion(name.group(1).replace('_', '.'));
            if (scripts.put(version, new Script(name.group(2).replace('_', ' '), checksum(file.getValue()))) != null) {
                return null; // two files of one version: Flyway reports it
            }
        }
        return scripts;
    }

    /** Flyway's checksum of a script: CRC32 over its UTF-8 lines without line breaks (and without a leading BOM). */
    static int checksum(byte[] content) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new java.io.ByteArrayInputStream(content), StandardCharsets.UTF_8), 4096)) {
            String line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = reader.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    /** Whether {@code table}'s rows are the baseline (optional) and one successful row per later shipped script. */
    private static boolean recordedExactly(DataSource dataSource, String table, Map<MigrationVersion, Script> shipped)
            throws SQLException {
        MigrationVersion baseline = null;
        Map<MigrationVersion, Script> recorded = new TreeMap<>();
        // table is sanitised ([a-z0-9_]); a missing table throws, which check() answers with "not up to date"
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT version, description, type, checksum, success FROM " + table + " ORDER BY installed_rank")) {
            while (row.next()) {
                String version = row.getString(1);
                int checksum = row.getInt(4);
                boolean noChecksum = row.wasNull();
                if (!row.getBoolean(5) || version == null) {
                    return false;
                }
                if ("BASELINE".equals(row.getString(3)) && baseline == null && recorded.isEmpty()) {
                    baseline = MigrationVersion.fromVersion(version);
                } else if (!"SQL".equals(row.getString(3)) || noChecksum || recorded.put(
                        MigrationVersion.fromVersion(version), new Script(row.getString(2), checksum)) != null) {
                    return false;
                }
            }
        }
        TreeMap<MigrationVersion, Script> expected = new TreeMap<>(shipped);
        if (baseline != null) {
            expected.headMap(baseline, true).clear(); // at or below the baseline: applied by schema.sql, no rows
        }
        return expected.equals(recorded);
    }
}
