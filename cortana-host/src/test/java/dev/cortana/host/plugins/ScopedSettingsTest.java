package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.config.Config;
import dev.cortana.host.config.LayeredConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of what a declaration in {@code Plugin-Settings} reaches (see {@link ScopedSettings}). */
class ScopedSettingsTest {

    private static final Map<String, String> VALUES = Map.of(
            "CUSTOM_API_BASE", "http://127.0.0.1:9/v1", "OPENAI_API_BASE", "http://127.0.0.1:8/v1",
            "LLM_REQUEST_TIMEOUT", "30", "ANTHROPIC_MAX_TOKENS", "2048", "CUSTOM_API_KEY", "sk-custom-secret-1",
            "DEEPSEEK_API_KEY_2", "sk-deepseek-secret-2", "EXA_API_KEY", "exa-secret", "EXAMPLE", "not exa");

    private static ScopedSettings declaring(String declaration) {
        return declaring(declaration, Map.of());
    }

    private static ScopedSettings declaring(String declaration, Map<String, String> more) {
        Map<String, String> values = new java.util.HashMap<>(VALUES);
        values.putAll(more);
        Config config = new Config() {
            @Override public Optional<String> get(String key) { return Optional.ofNullable(values.get(key)); }
            @Override public Map<String, String> all() { return values; }
            @Override public Map<String, String> pluginSection(String pluginId) { return Map.of(); }
        };
        return new ScopedSettings("p", ScopedSettings.parseDeclaration(declaration), config, name -> true);
    }

    @Test
    void aStarMatchesAnyRunOfCharactersAtEitherEnd() {
        ScopedSettings settings = declaring("*_API_BASE, LLM_REQUEST_TIMEOUT");

        assertThat(settings.get("CUSTOM_API_BASE")).contains("http://127.0.0.1:9/v1");
        assertThat(settings.get("OPENAI_API_BASE")).contains("http://127.0.0.1:8/v1");
        assertThat(settings.get("LLM_REQUEST_TIMEOUT")).contains("30");
        assertThat(settings.get("ANTHROPIC_MAX_TOKENS")).isEmpty();
    }

    @Test
    void aPrefixIsNotAPartialWord() {
        assertThat(declaring("EXA_*").get("EXAMPLE")).isEmpty();
        assertThat(declaring("EXA*").get("EXAMPLE")).contains("not exa");
    }

    @Test
    void keysOfABundledProviderOrOfAChosenModelsProviderAreLlmKeysButMaxTokensIsASetting() {
        ScopedSettings settings = declaring("CUSTOM_*, DEEPSEEK_*, ANTHROPIC_MAX_TOKENS",
                Map.of("LLM_FALLBACK_MODELS", "openai/gpt-4o-mini, custom/big-model"));

        assertThat(settings.get("CUSTOM_API_KEY")).isEmpty();
        assertThat(settings.get("DEEPSEEK_API_KEY_2")).isEmpty();
        assertThat(settings.get("ANTHROPIC_MAX_TOKENS")).contains("2048");
    }

    @Test
    void aPluginsOwnKeysWithABaseUrlStayItsOwnWhenItNamesThemButACatchAllGetsNoKey() {
        // EXA_API_KEY + EXA_API_BASE look like an OpenAI-compatible provider's pair; no model of the user's uses it.
        Map<String, String> exa = Map.of("EXA_API_BASE", "http://127.0.0.1:7", "EXA_API_KEY_2", "exa-secret-2");

        assertThat(declaring("EXA_*", exa).get("EXA_API_KEY_2")).contains("exa-secret-2");
        assertThat(declaring("EXA_API_KEY", exa).get("EXA_API_KEY")).contains("exa-secret");
        assertThat(declaring("*_API_KEY, *_API_KEY_*", exa).get("EXA_API_KEY")).isEmpty();
        assertThat(declaring("*_API_KEY", exa).get("CUSTOM_API_KEY")).isEmpty();
    }

    @Test
    void aGrantListInCortanaYmlGrantsByNameAndExpandsTheSectionsReferences(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cortana.yml"), """
                plugins:
                  mcp:
                    grant: [GITHUB_TOKEN, DISCORD_TOKEN]
                    servers:
                      github:
                        token: ${GITHUB_TOKEN}
                        owner: ${DISCORD_TOKEN}
                """);
        Config config = LayeredConfig.load(Map.of("GITHUB_TOKEN", "ghp_secret-1", "DISCORD_TOKEN", "discord-secret-2"),
                dir);

        ScopedSettings settings = new ScopedSettings("mcp", List.of(), config, name -> false);

        assertThat(settings.get("SERVERS_GITHUB_TOKEN")).contains("ghp_secret-1");
        assertThat(settings.get("SERVERS_GITHUB_OWNER")).isEmpty();
        assertThat(settings.granted()).containsExactly("GITHUB_TOKEN");
        assertThat(settings.refusedGrants()).containsExactly("DISCORD_TOKEN");
        assertThat(settings.ungrantedReferences()).containsExactly("DISCORD_TOKEN");
    }

    @Test
    void aDeclarationIsReadAsWrittenInAManifestWithCommasOrBlanks() {
        assertThat(ScopedSettings.parseDeclaration(" EXA_API_KEY,EXA_* \n  todos_max_list,, "))
                .containsExactly("EXA_API_KEY", "EXA_*", "TODOS_MAX_LIST");
        assertThat(ScopedSettings.parseDeclaration(null)).isEmpty();
        assertThat(declaring("").declared()).isEqualTo(List.of());
    }
}
