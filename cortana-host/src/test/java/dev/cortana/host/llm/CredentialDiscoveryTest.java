package dev.cortana.host.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.host.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialDiscoveryTest {

    @Test
    void findsNumberedAndPlainKeysPerProviderWithTheirBaseUrl() {
        Config config = Config.of(Map.of(
                "OPENAI_API_KEY_2", "sk-two",
                "OPENAI_API_KEY_1", "sk-one",
                "OPENAI_API_BASE", "http://localhost:8080/v1",
                "GEMINI_API_KEY", "AIza-gem",
                "NVIDIA_NIM_API_KEY", "nv",
                "LLM_API_KEY", "legacy",
                "EMPTY_API_KEY", " "));

        Map<String, List<LlmCredential>> found = CredentialDiscovery.discover(config);

        assertThat(found).containsOnlyKeys("openai", "gemini", "nvidia_nim");
        assertThat(found.get("openai")).extracting(LlmCredential::apiKey).containsExactly("sk-one", "sk-two");
        assertThat(found.get("openai").get(0).baseUrl()).contains("http://localhost:8080/v1");
        assertThat(found.get("gemini").get(0).baseUrl()).isEmpty();
    }

    @Test
    void legacyKeyWrapsLlmApiKeyForTheModelsProvider() {
        Config config = Config.of(Map.of("LLM_API_KEY", "sk-legacy"));

        assertThat(CredentialDiscovery.legacyKey(config, "openai")).get()
                .extracting(LlmCredential::provider, LlmCredential::apiKey)
                .containsExactly("openai", "sk-legacy");
    }

    @Test
    void aCredentialNeverPrintsItsKey() {
        LlmCredential credential = new LlmCredential("openai", "sk-abcdefghijklmnop1234", java.util.Optional.empty());

        assertThat(credential.toString()).doesNotContain("sk-abcdefghijklmnop1234").contains("1234");
        assertThat(credential.fingerprint()).startsWith("openai:…1234#").doesNotContain("abcdefgh");
    }

    @Test
    void redactorRemovesKnownKeysAndKeyShapedText() {
        SecretRedactor redactor = SecretRedactor.of(List.of("my-very-secret"));

        assertThat(redactor.redact("Incorrect API key provided: sk-abc123***xyz9. my-very-secret"))
                .isEqualTo("Incorrect API key provided: [redacted] [redacted]");
    }
}
