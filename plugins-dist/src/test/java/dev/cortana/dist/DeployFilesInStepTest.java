package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, docker-compose.yml and .env.example stay in step with the build: what they copy exists (or is what
 * the build makes), and every variable they name is one Cortana or a bundled plugin documents, and the other way round
 * for the ones a user must set.
 */
class DeployFilesInStepTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    @Test
    void everyPathTheDockerfileCopiesExistsOrIsWhatTheBuildMakes() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String line : instructions("COPY")) {
            List<String> words = new ArrayList<>(List.of(line.split("\\s+")));
            words.remove(0);
            boolean fromBuild = words.removeIf(w -> w.startsWith("--from="));
            words.removeIf(w -> w.startsWith("--"));
            for (String source : words.subList(0, words.size() - 1)) {
                Path path = fromBuild ? ROOT.resolve(source.replaceFirst("^/src/", "")) : ROOT.resolve(source);
                if (fromBuild && source.startsWith("/poms")) {
                    continue; // the poms stage's own output
                }
                if (!Files.exists(path)) {
                    problems.add(line + ": " + path + " does not exist");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(Files.list(ROOT.resolve("plugins-dist/target/plugins")).filter(p -> p.toString().endsWith(".jar")))
                .as("the bundled plugins the image copies").isNotEmpty();
    }

    @Test
    void theHealthcheckThePluginsFolderAndTheWorkspaceAgreeAcrossDockerfileAndCompose() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));

        assertThat(dockerfile).contains("COPY bin/cortana bin/cortana-health /app/")
                .contains("HEALTHCHECK").contains("CMD [\"/app/cortana-health\"]")
                .contains("ENTRYPOINT [\"/app/cortana\"]")
                .contains("PLUGINS_DIR=/workspace/plugins:/app/plugins")
                .contains("COPY --from=build /src/plugins-dist/target/plugins/ /app/plugins/")
                .contains("VOLUME [\"/workspace\"]").contains("WORKSPACE_DIR=/workspace").contains("HEALTH_PORT=");
        assertThat(dockerfile).as("no fixed UID: Ubuntu images already have 1000").doesNotContainPattern("--uid|-u \\d");
        assertThat(compose).contains("test: [\"CMD\", \"/app/cortana-health\"]")
                .contains("cortana-workspace:/workspace").contains(":/workspace/plugins:ro")
                .contains("path: .env").contains("profiles: [\"postgres\"]");
        assertThat(Files.readString(ROOT.resolve(".dockerignore")).lines().toList())
                .contains(".env", ".git", "**/target", "!.env.example");
    }

    @Test
    void everyVariableOfEnvExampleIsDocumentedAndEveryRequiredOneIsThere() throws IOException {
        Set<String> documented = documentedVariables();
        List<Pattern> pluginSettings = bundledPluginSettings();
        Set<String> inExample = new TreeSet<>();
        Matcher entry = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=").matcher(Files.readString(ROOT.resolve(".env.example")));
        while (entry.find()) {
            inExample.add(entry.group(1));
        }
        Set<String> composeOwn = Set.of("COMPOSE_PROFILES"); // docker compose reads it from .env itself

        assertThat(inExample).as("variables .env.example names").isNotEmpty();
        assertThat(inExample).allSatisfy(name -> assertThat(documented.contains(name) || composeOwn.contains(name)
                || providerVariable(name) || pluginSettings.stream().anyMatch(p -> p.matcher(name).matches()))
                .as(name + " is documented in README.md's tables or declared by a bundled plugin").isTrue());
        assertThat(inExample).as("the variables a user must set").contains("DISCORD_TOKEN", "MASTER_USER_ID",
                "OPENAI_API_KEY", "LLM_MODEL_NAME", "DATABASE_URL");
        for (String required : requiredVariables()) {
            assertThat(inExample).as("README says " + required + " is required").contains(required);
        }
    }

    @Test
    void everyVariableTheDockerfileSetsIsDocumented() throws IOException {
        Set<String> documented = documentedVariables();
        String launcher = Files.readString(ROOT.resolve("bin/cortana")) + Files.readString(ROOT.resolve("bin/cortana-health"));
        for (String line : instructions("ENV")) {
            Matcher name = Pattern.compile("([A-Z][A-Z0-9_]*)=").matcher(line);
            while (name.find()) {
                String variable = name.group(1);
                assertThat(documented.contains(variable) || launcher.contains("#   " + variable))
                        .as(variable + " is documented in README.md or in the launcher's header").isTrue();
            }
        }
    }

    /** The Dockerfile's instructions of one kind, continuation lines joined. */
    private static List<String> instructions(String kind) throws IOException {
        String joined = Files.readString(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n\\s*", " ");
        return joined.lines().map(String::strip).filter(l -> l.startsWith(kind + " ")).toList();
    }

    /** The variables README.md's tables document (backticked names in a row's first column). */
    private static Set<String> documentedVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String row : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (!row.startsWith("| `")) {
                continue;
            }
            Matcher quoted = Pattern.compile("`([^`]+)`").matcher(row.split("\\|")[1]);
            while (quoted.find()) {
                if (NAME.matcher(quoted.group(1)).matches()) {
                    names.add(quoted.group(1));
                }
            }
        }
        return names;
    }

    /** README.md's rows that say their variable is required. */
    private static Set<String> requiredVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String row : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (row.startsWith("| `") && row.contains("Required")) {
                Matcher quoted = Pattern.compile("`([A-Z][A-Z0-9_]*)`").matcher(row.split("\\|")[1]);
                while (quoted.find()) {
                    names.add(quoted.group(1));
                }
            }
        }
        return names;
    }

    /** {@code <PROVIDER>_API_KEY[_N]} and {@code <PROVIDER>_API_BASE}, which README.md documents for every provider. */
    private static boolean providerVariable(String name) {
        return name.matches("[A-Z0-9]+_API_KEY(_\\d+)?|[A-Z0-9]+_API_BASE");
    }

    /** Each bundled plugin's Plugin-Settings, as patterns ({@code *} any run of characters). */
    private static List<Pattern> bundledPluginSettings() throws IOException {
        List<Pattern> patterns = new ArrayList<>();
        try (Stream<Path> jars = Files.list(ROOT.resolve("plugins-dist/target/plugins"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    String settings = file.getManifest().getMainAttributes().getValue("Plugin-Settings");
                    if (settings == null) {
                        continue;
                    }
                    for (String declared : settings.split(",")) {
                        patterns.add(Pattern.compile(Pattern.quote(declared.strip()).replace("*", "\\E.*\\Q")));
                    }
                }
            }
        }
        return patterns;
    }
}
