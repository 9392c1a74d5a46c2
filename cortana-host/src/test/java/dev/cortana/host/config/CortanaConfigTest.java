package dev.cortana.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CortanaConfigTest {

    @TempDir
    Path dir;

    private CortanaConfig from(Map<String, String> values) {
        return CortanaConfig.from(Config.of(values), dir);
    }

    @Test
    void defaultsFollowThePythonOriginal() {
        CortanaConfig config = from(Map.of());

        assertThat(config.discordToken()).isEmpty();
        assertThat(config.modelName()).isEqualTo("gpt-4o");
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.consoleUserId()).isEqualTo("console");
        assertThat(config.toolTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.pluginsDir()).isEqualTo(dir.resolve("plugins"));
    }

    @Test
    void relativeWorkspaceResolvesAgainstTheWorkingDirectory() {
        assertThat(from(Map.of("WORKSPACE_DIR", "ws")).workspaceDir()).isEqualTo(dir.resolve("ws"));
    }

    @Test
    void masterUserIdMustBeASnowflakeAndTheMessageSaysWhereToFindIt() {
        assertThatThrownBy(() -> from(Map.of("MASTER_USER_ID", "me")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MASTER_USER_ID='me' is not valid: expected your Discord user ID")
                .hasMessageContaining("Copy User ID");
        assertThat(from(Map.of("MASTER_USER_ID", "123456789012345678")).consoleUserId()).isEqualTo("123456789012345678");
    }

    @Test
    void discordTokenWithoutMasterUserIdIsRefusedWithOneLineSayingHowToFindTheId() {
        assertThatThrownBy(() -> from(Map.of("DISCORD_TOKEN", "bot-token")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MASTER_USER_ID is required when DISCORD_TOKEN is set")
                .hasMessageContaining("Copy User ID")
                .hasMessageNotContaining("bot-token")
                .hasMessageNotContaining("\n");
    }

    @Test
    void malformedNumbersNameTheVariableAndTheExpectedForm() {
        assertThatThrownBy(() -> from(Map.of("TOOL_TIMEOUT_SECONDS", "soon")))
                .hasMessage("TOOL_TIMEOUT_SECONDS='soon' is not valid: expected a whole number of seconds, at least 1");
        assertThatThrownBy(() -> from(Map.of("MAX_TOOL_ROUNDS", "0")))
                .hasMessageStartingWith("MAX_TOOL_ROUNDS='0' is not valid");
    }

    @Test
    void timeZoneComesFromTimezoneOrTz() {
        assertThat(from(Map.of("TZ", "Europe/Berlin")).timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(from(Map.of("TIMEZONE", "Asia/Tokyo", "TZ", "Europe/Berlin")).timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThatThrownBy(() -> from(Map.of("TIMEZONE", "Mars/Olympus")))
                .hasMessageContaining("expected an IANA time zone");
    }

    @Test
    void secretValuesAreNotEchoedInErrors() {
        ConfigException e = ConfigException.invalid("OPENAI_API_KEY", "sk-secret", "a key");

        assertThat(e.getMessage()).doesNotContain("sk-secret").contains("(hidden)");
    }

    @Test
    void aRequestTimeoutOfZeroOrLessOrNotANumberIsRefusedInsteadOfDisablingEveryProvider() {
        for (String bad : new String[] {"0", "-5", "soon", "1.5", "99999"}) {
            assertThatThrownBy(() -> from(Map.of("LLM_REQUEST_TIMEOUT", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("LLM_REQUEST_TIMEOUT='" + bad + "' is not valid: expected a whole number of seconds "
                            + "from 1 to 3600");
        }
        from(Map.of("LLM_REQUEST_TIMEOUT", "300"));
    }

    @Test
    void settingsReadLaterAreCheckedAtStartInTheOneForm() {
        assertThatThrownBy(() -> from(Map.of("LOG_LEVEL", "loud")))
                .hasMessage("LOG_LEVEL='loud' is not valid: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        assertThatThrownBy(() -> from(Map.of("ENABLE_SKILLS", "sure")))
                .hasMessage("ENABLE_SKILLS='sure' is not valid: expected true or false");
        assertThatThrownBy(() -> from(Map.of("ENABLE_ROTATOR", "flase")))
                .hasMessage("ENABLE_ROTATOR='flase' is not valid: expected true or false");
        assertThatThrownBy(() -> from(Map.of("LLM_MODEL_NAME", "gpt 4o")))
                .hasMessage("LLM_MODEL_NAME='gpt 4o' is not valid: expected a model such as gpt-4o or provider/model "
                        + "(openai/gpt-4o-mini)");
        assertThatThrownBy(() -> from(Map.of("OPENAI_API_BASE", "localhost:11434/v1")))
                .hasMessage("OPENAI_API_BASE='localhost:11434/v1' is not valid: expected an http:// or https:// URL "
                        + "such as https://api.openai.com/v1");
        assertThatThrownBy(() -> from(Map.of("DISCORD_GATEWAY_URL", "http://127.0.0.1:9999")))
                .hasMessageStartingWith("DISCORD_GATEWAY_URL='http://127.0.0.1:9999' is not valid: expected a ws://");
        assertThatThrownBy(() -> from(Map.of("CONVERSATION_KEEP_RECENT", "-1")))
                .hasMessageStartingWith("CONVERSATION_KEEP_RECENT='-1' is not valid");
        assertThatThrownBy(() -> from(Map.of("MEMORY_PROVIDER", "zep memory")))
                .hasMessage("MEMORY_PROVIDER='zep memory' is not valid: expected the id of a memory plugin, such as zep");
    }

    @Test
    void aPasswordInABaseUrlIsNotEchoed() {
        assertThatThrownBy(() -> from(Map.of("GROQ_API_KEY", "gsk-1", "GROQ_API_BASE", "ftp://me:hunter2@proxy/v1")))
                .hasMessage("GROQ_API_BASE='ftp://(hidden)@proxy/v1' is not valid: expected an http:// or https:// URL "
                        + "such as https://api.openai.com/v1");
    }
}
