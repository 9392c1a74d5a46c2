package dev.cortana.archetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * A plugin author's first plugin, from the archetype to a running Cortana. Before this runs, the archetype's
 * {@code integration-test} has generated each of {@code src/test/resources/projects/*} and built it as a separate
 * Maven project whose local repository holds only this build's Cortana artifacts (the rest is read from this build's
 * local repository as a remote one): {@code weather} is the author's command ({@code -DgroupId=com.example
 * -DartifactId=weather}, everything else by default) built with {@code mvn verify}; {@code coffee-log} the same with a
 * plugin id that is no Java or SQL name; {@code weather-v2} is {@code weather} at {@code -Dversion=0.2.0}, packaged.
 * This test checks what the author got, then runs the JARs in the built {@code cortana-host.jar}.
 */
class GeneratedPluginIT {

    private static final Path PROJECTS = Path.of(System.getProperty("cortana.it.projects"));
    private static final Path FIRST = PROJECTS.resolve("weather/project/weather");
    private static final Path SECOND = PROJECTS.resolve("weather-v2/project/weather");
    private static final Path HYPHENATED = PROJECTS.resolve("coffee-log/project/coffee-log");
    private static final String TOOL = "weather_count";

    @TempDir
    Path home;

    @Test
    void theGeneratedPluginIsOneSmallPomOneToolOneMigrationAndOneTest() throws IOException {
        assertThat(sources(FIRST)).containsExactlyInAnyOrder(
                ".gitignore", "README.md", "pom.xml",
                "src/main/java/com/example/CounterTools.java",
                "src/main/resources/cortana/migrations/weather/V1__create_counts.sql",
                "src/test/java/com/example/CounterToolsTest.java");
        assertThat(Files.readAllLines(FIRST.resolve("pom.xml"))).hasSizeLessThanOrEqualTo(25);
        assertThat(Files.readAllLines(FIRST.resolve("src/main/java/com/example/CounterTools.java")))
                .hasSizeLessThanOrEqualTo(40);
        assertThat(Files.readAllLines(FIRST.resolve("src/main/java/com/example/CounterTools.java")))
                .as("the example closes what it opens: each query's ResultSet in a try-with-resources")
                .filteredOn(line -> line.contains("executeQuery()")).isNotEmpty()
                .allMatch(line -> line.strip().startsWith("try ("));
        assertThat(Files.readString(FIRST.resolve("pom.xml")))
                .contains("<artifactId>cortana-plugin-parent</artifactId>")
                .contains("<plugin.id>weather</plugin.id>")
                .contains("<version>0.1.0</version>");
    }

    @Test
    void itsBuildRanItsKitTestAndItPassed() throws Exception {
        assertThat(kitTestsPassed(FIRST, "com.example.CounterToolsTest")).isEqualTo(1);
    }

    @Test
    void aPluginIdWithADashNamesTheToolAndTheTableWithAnUnderscoreAndItsKitTestPasses() throws Exception {
        assertThat(Files.readString(HYPHENATED.resolve("pom.xml"))).contains("<plugin.id>coffee-log</plugin.id>");
        assertThat(HYPHENATED.resolve("src/main/resources/cortana/migrations/coffee-log/V1__create_counts.sql"))
                .content().contains("CREATE TABLE IF NOT EXISTS coffee_log_counts");
        assertThat(HYPHENATED.resolve("src/main/java/org/acme/CounterTools.java"))
                .content().contains("@Tool(name = \"coffee_log_count\"");
        assertThat(kitTestsPassed(HYPHENATED, "org.acme.CounterToolsTest")).isEqualTo(1);
    }

    @Test
    void itsBuildTookEveryCortanaArtifactFromThePrivateRepository() throws IOException {
        String log = Files.readString(FIRST.resolve("build.log"));
        assertThat(log).contains("BUILD SUCCESS");
        // A Cortana artifact downloaded at all was missing from the private repository: the build took another's copy.
        assertThat(log.lines().filter(line -> line.contains("dev/cortana/"))
                .filter(line -> line.contains("Downloading") || line.contains("Downloaded"))).isEmpty();
    }

    @Test
    void aRunningCortanaLoadsTheJarTakesTheNextVersionInPlaceAndForgetsTheRemovedOne() throws Exception {
        Path v1 = FIRST.resolve("target/weather-0.1.0.jar");
        Path v2 = SECOND.resolve("target/weather-0.2.0.jar");
        assertThat(v1).isRegularFile();
        assertThat(v2).isRegularFile();
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("cortana.provider.openai.jar")), plugins.resolve("provider-openai.jar"));

        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.respondWith(GeneratedPluginIT::scriptedModel);
            Map<String, String> environment = Map.of(
                    "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                    "HOME", home.toString(),
                    "WORKSPACE_DIR", home.resolve("workspace").toString(),
                    "PLUGINS_DIR", plugins.toString(),
                    "OPENAI_API_KEY", "sk-test-archetype-0011",
                    "OPENAI_API_BASE", openAi.baseUrl());
            try (ConsoleCortana cortana = ConsoleCortana.start(
                    Path.of(System.getProperty("cortana.host.jar")), environment, home)) {
                assertThat(cortana.say("count coffee")).isEqualTo("I have no tool to count with.");

                Path installed = plugins.resolve("weather.jar");
                dropIn(v1, installed);
                awaitPlugins(cortana, "weather 0.1.0 — started — tools: " + TOOL);
                assertThat(cortana.say("count coffee")).isEqualTo("coffee: 1");
                assertThat(cortana.say("count Coffee ")).isEqualTo("coffee: 2");

                dropIn(v2, installed);
                awaitPlugins(cortana, "weather 0.2.0 — started — tools: " + TOOL);
                assertThat(cortana.say("count coffee")).as("the count survives the upgrade").isEqualTo("coffee: 3");

                Files.delete(installed);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                        .until(() -> !cortana.say("/plugins").contains("weather"));
                assertThat(cortana.say("count coffee")).isEqualTo("I have no tool to count with.");
                assertThat(cortana.exit()).as(cortana.stderr()).isZero();
            }
        }
    }

    /** Copies {@code jar} into the plugins folder the way {@code mv} does: Cortana never sees half a file. */
    private static void dropIn(Path jar, Path installed) throws IOException {
        Path staged = installed.resolveSibling(".staged-" + installed.getFileName());
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, installed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitPlugins(ConsoleCortana cortana, String line) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> cortana.say("/plugins").contains(line));
    }

    /**
     * A model that counts when asked to ("count coffee"), if it is offered the plugin's tool, and answers with what
     * the tool returned; any other message it repeats (ConsoleCortana's sync lines).
     */
    private static Reply scriptedModel(RecordedRequest request) {
        if (request.lastToolResult() != null) {
            return Reply.text(request.lastToolResult());
        }
        Matcher count = Pattern.compile("count (.+)").matcher(request.lastUserMessage());
        if (!count.matches()) {
            return Reply.text(request.lastUserMessage());
        }
        return request.toolNames().contains(TOOL)
                ? Reply.toolCall(TOOL, "{\"thing\":\"" + count.group(1) + "\"}")
                : Reply.text("I have no tool to count with.");
    }

    /** How many tests of {@code testClass} surefire ran in {@code project}, after checking none failed or was skipped. */
    private static int kitTestsPassed(Path project, String testClass) throws Exception {
        Path report = project.resolve("target/surefire-reports/TEST-" + testClass + ".xml");
        assertThat(report).as("surefire ran " + testClass).isRegularFile();
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                .getDocumentElement();
        assertThat(suite.getAttribute("failures")).as(report.toString()).isEqualTo("0");
        assertThat(suite.getAttribute("errors")).as(report.toString()).isEqualTo("0");
        assertThat(suite.getAttribute("skipped")).as(report.toString()).isEqualTo("0");
        return Integer.parseInt(suite.getAttribute("tests"));
    }

    private static List<String> sources(Path project) throws IOException {
        try (Stream<Path> files = Files.walk(project)) {
            return files.filter(Files::isRegularFile).map(project::relativize).map(Path::toString)
                    .filter(path -> !path.startsWith("target/") && !path.equals("build.log")).sorted().toList();
        }
    }
}
