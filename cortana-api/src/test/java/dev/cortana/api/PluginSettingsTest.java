package dev.cortana.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every typed getter refuses a bad value with one line in the form all Cortana settings use. */
class PluginSettingsTest {

    private enum Approval { NEVER, ASK }

    private static PluginSettings settings(String key, String value) {
        Map<String, String> values = Map.of(key, value);
        return name -> Optional.ofNullable(values.get(name));
    }

    @Test
    void aWholeNumberInRangeIsReadAndOneOutOfRangeIsRefusedNamingTheBounds() {
        assertThat(settings("LINES", " 42 ").getInt("LINES", 5, 1, 100)).isEqualTo(42);
        assertThat(settings("OTHER", "x").getInt("LINES", 5, 1, 100)).isEqualTo(5);
        assertThatThrownBy(() -> settings("LINES", "0").getInt("LINES", 5, 1, 100))
                .isInstanceOf(SettingException.class)
                .hasMessage("LINES='0' is not valid: expected a whole number from 1 to 100");
        assertThatThrownBy(() -> settings("LINES", "lots").getInt("LINES", 5))
                .hasMessage("LINES='lots' is not valid: expected a whole number");
        assertThatThrownBy(() -> settings("LINES", "-1").getInt("LINES", 5, 1, Integer.MAX_VALUE))
                .hasMessage("LINES='-1' is not valid: expected a whole number, at least 1");
    }

    @Test
    void secondsBecomeADurationAndZeroIsRefused() {
        assertThat(settings("LLM_REQUEST_TIMEOUT", "30").getSeconds("LLM_REQUEST_TIMEOUT", 120, 1, 3600))
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> settings("LLM_REQUEST_TIMEOUT", "0").getSeconds("LLM_REQUEST_TIMEOUT", 120, 1, 3600))
                .hasMessage("LLM_REQUEST_TIMEOUT='0' is not valid: expected a whole number of seconds from 1 to 3600");
    }

    @Test
    void booleansChoicesAndEnumsNameWhatIsAllowed() {
        assertThat(settings("ENABLED", "off").getBoolean("ENABLED", true)).isFalse();
        assertThatThrownBy(() -> settings("ENABLED", "maybe").getBoolean("ENABLED", true))
                .hasMessage("ENABLED='maybe' is not valid: expected true or false");
        assertThat(settings("MODE", "ASK").oneOf("MODE", "never", "never", "ask")).isEqualTo("ask");
        assertThatThrownBy(() -> settings("MODE", "sometimes").oneOf("MODE", "never", "never", "ask"))
                .hasMessage("MODE='sometimes' is not valid: expected one of never or ask");
        assertThat(settings("MODE", "ask").getEnum("MODE", Approval.class, Approval.NEVER)).isEqualTo(Approval.ASK);
        assertThatThrownBy(() -> settings("MODE", "always").getEnum("MODE", Approval.class, Approval.NEVER))
                .hasMessage("MODE='always' is not valid: expected one of never or ask");
    }

    @Test
    void aSecretsValueIsNeverShown() {
        assertThatThrownBy(() -> settings("ZEP_API_KEY", "sk-live-123").getInt("ZEP_API_KEY", 1))
                .hasMessage("ZEP_API_KEY=(hidden) is not valid: expected a whole number")
                .satisfies(e -> assertThat(((SettingException) e).key()).isEqualTo("ZEP_API_KEY"));
    }

    @Test
    void secretsAreTheNamesOfKeysTokensAndPasswordsNotEverySettingThatMentionsTokens() {
        assertThat(java.util.List.of("OPENAI_API_KEY", "OPENAI_API_KEY_2", "DISCORD_TOKEN", "GITHUB_TOKEN_1",
                "EXA_APIKEY", "DB_PASSWORD", "CLIENT_SECRET_FILE", "GOOGLE_CREDENTIALS", "DATABASE_URL", "ZEP_AUTH",
                "GEMINI_API_KEYS")).allMatch(SettingException::isSecret);
        assertThat(java.util.List.of("CONVERSATION_TOKEN_THRESHOLD", "ANTHROPIC_MAX_TOKENS", "OPENAI_API_BASE",
                "LLM_MODEL_NAME", "KEYBOARD_LAYOUT_FILE", "ROTATOR_USAGE_FILE_PATH")).noneMatch(SettingException::isSecret);
        assertThat(SettingException.invalid("CONVERSATION_TOKEN_THRESHOLD", "7", "a fraction").getMessage())
                .isEqualTo("CONVERSATION_TOKEN_THRESHOLD='7' is not valid: expected a fraction");
    }
}
