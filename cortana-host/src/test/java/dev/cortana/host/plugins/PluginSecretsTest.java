package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.StatusNote;
import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin reads its own YAML section and the keys it declares ({@code Plugin-Settings}) or the user grants it, and
 * never Cortana's own secrets or LLM keys. Real plugin JARs in a real {@link PluginHost}; the test plugin reports
 * what its {@code CortanaContext.settings()} gave it.
 */
class PluginSecretsTest {

    private static final List<String> ASKED = List.of("DISCORD_TOKEN", "DATABASE_URL", "MASTER_USER_ID",
            "OPENAI_API_KEY", "OPENAI_API_KEY_2", "LLM_API_KEY", "COHERE_API_KEY", "EXA_API_KEY", "EXA_REGION",
            "GITHUB_TOKEN", "SERVER_TOKEN", "MAX_RESULTS");

    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("DISCORD_TOKEN", "discord-secret-0123456789"),
            Map.entry("DATABASE_URL", "postgresql://cortana:db-password@db.example.com/cortana"),
            Map.entry("MASTER_USER_ID", "123456789012345678"),
            Map.entry("OPENAI_API_KEY", "sk-openai-secret-0001"),
            Map.entry("OPENAI_API_KEY_2", "sk-openai-secret-0002"),
            Map.entry("LLM_API_KEY", "sk-legacy-secret-0003"),
            Map.entry("COHERE_API_KEY", "cohere-secret-0004"),
            Map.entry("EXA_API_KEY", "exa-secret-0005"),
            Map.entry("EXA_REGION", "eu"),
            Map.entry("GITHUB_TOKEN", "ghp_github-secret-0006"));

    @TempDir
    Path dir;

    private PluginTestServices services;
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void aPluginThatReadsAnUndeclaredSecretGetsNothing() {
        reader("search").writeTo(dir);

        Map<String, String> seen = start(Map.of()).get("search");

        assertThat(seen).containsEntry("DISCORD_TOKEN", "-").containsEntry("DATABASE_URL", "-")
                .containsEntry("OPENAI_API_KEY", "-").containsEntry("EXA_API_KEY", "-").containsEntry("GITHUB_TOKEN", "-");
    }

    @Test
    void aPluginThatDeclaresExaApiKeyGetsItAndNothingElse() {
        reader("search").settings("EXA_API_KEY").writeTo(dir);

        Map<String, String> seen = start(Map.of()).get("search");

        assertThat(seen).containsEntry("EXA_API_KEY", "exa-secret-0005").containsEntry("EXA_REGION", "-")
                .containsEntry("DISCORD_TOKEN", "-").containsEntry("OPENAI_API_KEY", "-");
    }

    @Test
    void aPrefixDeclarationInPluginPropertiesGivesEveryKeyWithThatPrefix() {
        reader("search").settings("EXA_*").writeZipTo(dir);

        Map<String, String> seen = start(Map.of()).get("search");

        assertThat(seen).containsEntry("EXA_API_KEY", "exa-secret-0005").containsEntry("EXA_REGION", "eu")
                .containsEntry("GITHUB_TOKEN", "-");
    }

    @Test
    void noManifestGetsCortanasOwnSecretsOrLlmKeysEvenByNamingThem() {
        reader("greedy").settings("DISCORD_TOKEN, DATABASE_URL, MASTER_USER_ID, OPENAI_*, LLM_API_KEY, *")
                .writeTo(dir);

        Map<String, String> seen = start(Map.of()).get("greedy");

        assertThat(seen).containsEntry("DISCORD_TOKEN", "-").containsEntry("DATABASE_URL", "-")
                .containsEntry("MASTER_USER_ID", "-").containsEntry("OPENAI_API_KEY", "-")
                .containsEntry("OPENAI_API_KEY_2", "-").containsEntry("LLM_API_KEY", "-")
                .containsEntry("EXA_REGION", "eu"); // what "*" may cover is still given, and shown in /plugins
    }

    @Test
    void theKeysOfAProviderThatAStartedLlmPluginServesStayTheHosts() {
        cohereProvider().writeTo(dir);
        // Depends on the provider, so it starts after it: the order the folder happens to list them in is no hole.
        reader("rerank").settings("COHERE_*, EXA_API_KEY").manifest("Plugin-Dependencies", "provider-cohere")
                .writeTo(dir);

        Map<String, String> seen = start(Map.of()).get("rerank");

        assertThat(seen).containsEntry("COHERE_API_KEY", "-").containsEntry("EXA_API_KEY", "exa-secret-0005");
    }

    @Test
    void theKeysOfAStartedLlmPluginStayTheHostsEvenForAPluginListedBeforeItThatDoesNotNeedIt() {
        cohereProvider().writeTo(dir);
        reader("another-reranker").settings("COHERE_*, EXA_API_KEY").writeTo(dir); // its file sorts first

        Map<String, String> seen = start(Map.of()).get("another-reranker");

        assertThat(seen).containsEntry("COHERE_API_KEY", "-").containsEntry("EXA_API_KEY", "exa-secret-0005");
    }

    @Test
    void theOwnSectionIsReadAndItsReferencesExpandOnlyToGrantedVariables() {
        reader("mcp").writeTo(dir);

        Map<String, String> seen = start(Map.of("mcp", Map.of("MAX_RESULTS", "5", "SERVER_TOKEN", "${GITHUB_TOKEN}",
                "EXA_REGION", "us"))).get("mcp");

        assertThat(seen).containsEntry("MAX_RESULTS", "5").containsEntry("EXA_REGION", "us")
                .containsEntry("SERVER_TOKEN", "-").containsEntry("GITHUB_TOKEN", "-");
        assertThat(new PluginsCommand(host, id -> List.of()).render())
                .contains("not granted, left empty: ${GITHUB_TOKEN}");
    }

    @Test
    void aVariableTheUserGrantsIsReadableAndExpandsInTheSectionAndShowsInPlugins() {
        reader("mcp").settings("MCP_*").writeTo(dir);

        Map<String, String> seen = start(Map.of("mcp", Map.of("SERVER_TOKEN", "Bearer ${GITHUB_TOKEN}",
                "GRANT", "GITHUB_TOKEN, DISCORD_TOKEN"))).get("mcp");

        assertThat(seen).containsEntry("SERVER_TOKEN", "Bearer ghp_github-secret-0006")
                .containsEntry("GITHUB_TOKEN", "ghp_github-secret-0006").containsEntry("DISCORD_TOKEN", "-");
        String listing = new PluginsCommand(host, id -> List.of()).render();
        assertThat(listing).contains("mcp 0.1.0 — started").contains("settings: MCP_*")
                .contains("granted: GITHUB_TOKEN").contains("grant refused (Cortana's own): DISCORD_TOKEN")
                .doesNotContain("ghp_github-secret-0006").doesNotContain("discord-secret-0123456789");
    }

    @Test
    void aGrantInTheEnvironmentWorksForPluginsWithoutAYamlSection() {
        reader("web-search").writeTo(dir);
        Map<String, String> environment = new LinkedHashMap<>(ENVIRONMENT);
        environment.put("CORTANA_GRANT_WEB_SEARCH", "EXA_API_KEY");

        Map<String, String> seen = start(environment, Map.of()).get("web-search");

        assertThat(seen).containsEntry("EXA_API_KEY", "exa-secret-0005").containsEntry("EXA_REGION", "-");
        assertThat(new PluginsCommand(host, id -> List.of()).render()).contains("granted: EXA_API_KEY");
    }

    @Test
    void aPluginThatDeclaresNothingShowsNoSettingsLine() {
        reader("quiet").writeTo(dir);

        start(Map.of());

        assertThat(new PluginsCommand(host, id -> List.of()).render()).doesNotContain("settings:")
                .doesNotContain("granted:");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** An LLM provider plugin serving the provider name {@code cohere}. */
    private static TestPluginJars.Builder cohereProvider() {
        return TestPluginJars.plugin("provider-cohere").source("test.cohere.CohereProvider", """
                package test.cohere;
                @org.pf4j.Extension
                public class CohereProvider implements dev.cortana.api.llm.LlmProvider {
                    public String id() { return "cohere"; }
                    public dev.cortana.api.llm.ModelClient model(dev.cortana.api.llm.ModelSetup setup) {
                        throw new UnsupportedOperationException();
                    }
                }
                """);
    }

    /** A plugin whose status note is {@code KEY=value} (or {@code KEY=-}) for every key in {@link #ASKED}. */
    private static TestPluginJars.Builder reader(String pluginId) {
        String pkg = "test." + pluginId.replace("-", "");
        String keys = String.join("\", \"", ASKED);
        return TestPluginJars.plugin(pluginId).source(pkg + ".Reader", """
                package %s;
                @org.pf4j.Extension
                public class Reader implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                    private final String seen;
                    public Reader(dev.cortana.api.CortanaContext context) {
                        StringBuilder out = new StringBuilder();
                        for (String key : new String[] {"%s"}) {
                            out.append(key).append('\\t').append(context.settings().get(key).orElse("-")).append('\\n');
                        }
                        seen = out.toString();
                    }
                    public java.util.Optional<String> statusNote() { return java.util.Optional.of(seen); }
                }
                """.formatted(pkg, keys));
    }

    private Map<String, Map<String, String>> start(Map<String, Map<String, String>> sections) {
        return start(ENVIRONMENT, sections);
    }

    /** Starts the folder's plugins and returns what each reader saw, by plugin id. */
    private Map<String, Map<String, String>> start(Map<String, String> environment,
                                                   Map<String, Map<String, String>> sections) {
        services = new PluginTestServices(environment, sections);
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        for (var note : host.extensions(StatusNote.class)) {
            Map<String, String> values = new LinkedHashMap<>();
            note.extension().statusNote().orElseThrow().lines().forEach(line -> {
                String[] parts = line.split("\t", 2);
                values.put(parts[0], parts[1]);
            });
            seen.put(note.pluginId(), values);
        }
        assertThat(seen).as("started readers (see /plugins: %s)", host.statuses()).isNotEmpty();
        return seen;
    }
}
