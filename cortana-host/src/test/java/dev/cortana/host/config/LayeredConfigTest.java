package dev.cortana.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {

    @TempDir
    Path dir;

    @Test
    void environmentWinsOverDotenvWhichWinsOverYaml() throws Exception {
        Files.writeString(dir.resolve("cortana.yml"), "LLM_MODEL_NAME: from-yaml\nMAX_TOOL_ROUNDS: 3\nWORKSPACE_DIR: /yaml\n");
        Files.writeString(dir.resolve(".env"), "LLM_MODEL_NAME=from-dotenv\nWORKSPACE_DIR=/dotenv\n");

        Config config = LayeredConfig.load(Map.of("LLM_MODEL_NAME", "from-env"), dir);

        assertThat(config.get("LLM_MODEL_NAME")).contains("from-env");
        assertThat(config.get("WORKSPACE_DIR")).contains("/dotenv");
        assertThat(config.get("MAX_TOOL_ROUNDS")).contains("3");
    }

    @Test
    void nestedYamlKeysBecomeEnvironmentNamesAndListsAreCommaSeparated() throws Exception {
        Files.writeString(dir.resolve("cortana.yml"), """
                rotator:
                  max_retries: 4
                llm:
                  fallback_models: [openai/gpt-4o-mini, gemini/gemini-2.5-flash]
                plugins:
                  todos:
                    max_list: 20
                """);

        Config config = LayeredConfig.load(Map.of(), dir);

        assertThat(config.get("ROTATOR_MAX_RETRIES")).contains("4");
        assertThat(config.get("LLM_FALLBACK_MODELS")).contains("openai/gpt-4o-mini,gemini/gemini-2.5-flash");
        assertThat(config.pluginSection("todos")).containsEntry("MAX_LIST", "20");
        assertThat(config.pluginSection("other")).isEmpty();
    }

    @Test
    void blankValuesCountAsUnset() {
        Config config = LayeredConfig.load(Map.of("DISCORD_TOKEN", "  "), dir);

        assertThat(config.get("DISCORD_TOKEN")).isEmpty();
    }

    @Test
    void cortanaConfigNamesAnExplicitYamlFile() throws Exception {
        Files.writeString(dir.resolve("mine.yaml"), "LLM_MODEL_NAME: picked\n");

        Config config = LayeredConfig.load(Map.of("CORTANA_CONFIG", "mine.yaml"), dir);

        assertThat(config.get("LLM_MODEL_NAME")).contains("picked");
    }

    @Test
    void brokenYamlFailsWithOneLineNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("cortana.yml"), "a: [unclosed\n");

        assertThatThrownBy(() -> LayeredConfig.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cortana.yml is not valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void missingNamedYamlFileFailsNamingTheVariable() {
        assertThatThrownBy(() -> LayeredConfig.load(Map.of("CORTANA_CONFIG", "nope.yml"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CORTANA_CONFIG='nope.yml' is not valid");
    }

    @Test
    void aMalformedDotenvLineIsNamedByNumberAndNeverShown() throws Exception {
        Files.writeString(dir.resolve(".env"), "# keys\nLLM_MODEL_NAME=gpt-4o\nOPENAI_API_KEY sk-live-do-not-echo-4242\n");

        assertThatThrownBy(() -> LayeredConfig.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(".env in " + dir.toAbsolutePath() + " is not valid: expected lines of NAME=value; line 3 "
                        + "is not one (not shown here, as it may hold a secret)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-live"));
    }
}
