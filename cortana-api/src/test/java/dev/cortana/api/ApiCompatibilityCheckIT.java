package dev.cortana.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API check in {@code cortana-api}'s own build: a copy of this module, edited the way a careless change would edit
 * it, goes through {@code mvn verify} with this module's real {@code pom.xml} and committed baseline. Switching the check
 * off (skipping japicmp, dropping a break flag, emptying the baseline) makes these tests fail.
 *
 * <p>Runs in {@code mvn verify} (failsafe); the nested build is offline against the same local repository and skips
 * tests, ITs, sources and Javadoc.
 */
class ApiCompatibilityCheckIT {

    private static final Path MODULE = Path.of(System.getProperty("cortana.api.basedir", "")).toAbsolutePath();

    @TempDir
    Path checkout;

    @Test
    void removingOrChangingAPublicMethodFailsVerifyAndNamesTheMethods() throws Exception {
        Path api = copyOfTheModule();
        edit(api.resolve("src/main/java/dev/cortana/api/tools/ToolResult.java"),
                "    public static ToolResult withFiles(String text, Path... files) {\n"
                        + "        return new ToolResult(text, List.of(files));\n"
                        + "    }\n", "");
        edit(api.resolve("src/main/java/dev/cortana/api/StatusNote.java"),
                "Optional<String> statusNote();", "Optional<String> statusNote(String locale);");

        Build build = verify(api);

        assertThat(build.exitCode()).as("exit code of mvn verify; output:%n%s", build.output()).isNotZero();
        assertThat(build.output())
                .contains("There is at least one incompatibility")
                .contains("dev.cortana.api.tools.ToolResult.withFiles(java.lang.String,java.nio.file.Path[]):METHOD_REMOVED")
                .contains("dev.cortana.api.StatusNote.statusNote():METHOD_REMOVED");
        assertThat(api.resolve("target/japicmp/api-check.html")).as("the report the author reads").exists();
        assertThat(Files.readString(api.resolve("target/japicmp/api-check.diff")))
                .contains("ToolResult")
                .contains("withFiles")
                .contains("StatusNote");
    }

    @Test
    void aNewDefaultMethodOnAnExtensionPointPassesVerify() throws Exception {
        Path api = copyOfTheModule();
        edit(api.resolve("src/main/java/dev/cortana/api/StatusNote.java"),
                "    Optional<String> statusNote();\n",
                "    Optional<String> statusNote();\n\n"
                        + "    /** Added after 0.1.0: compatible, because existing implementations inherit it. */\n"
                        + "    default Optional<String> detail() {\n"
                        + "        return Optional.empty();\n"
                        + "    }\n");

        Build build = verify(api);

        assertThat(build.exitCode()).as("exit code of mvn verify; output:%n%s", build.output()).isZero();
        assertThat(Files.readString(api.resolve("target/japicmp/api-check.diff"))).contains("detail");
    }

    /** The root POM (the parent, found by relative path) and this module's POM, sources and baseline. */
    private Path copyOfTheModule() throws IOException {
        Path root = MODULE.getParent();
        Files.copy(root.resolve("pom.xml"), checkout.resolve("pom.xml"));
        Path api = checkout.resolve(MODULE.getFileName().toString());
        Files.createDirectories(api);
        Files.copy(MODULE.resolve("pom.xml"), api.resolve("pom.xml"));
        copyTree(MODULE.resolve("src/main"), api.resolve("src/main"));
        copyTree(MODULE.resolve("api-baseline"), api.resolve("api-baseline"));
        return api;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as("%s still has the text this test edits", file.getFileName()).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private record Build(int exitCode, String output) {}

    private static Build verify(Path module) throws Exception {
        String mavenHome = System.getProperty("maven.home");
        assertThat(mavenHome).as("maven.home, set by the failsafe configuration").isNotBlank();
        List<String> command = new ArrayList<>(List.of(Path.of(mavenHome, "bin", "mvn").toString(), "-B", "-o",
                "-Dmaven.repo.local=" + System.getProperty("maven.repo.local"),
                "-DskipTests", "-DskipITs", "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true", "verify"));
        Path log = module.resolve("build.log");
        Process process = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvn verify did not finish in 5 minutes:\n" + Files.readString(log));
        }
        return new Build(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
