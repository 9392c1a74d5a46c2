package dev.cortana.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationSettingsTest {

    @Test
    void defaultsFollowThePythonOriginal() {
        ConversationSettings settings = ConversationSettings.from(Config.of(Map.of()));

        assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.tokenThreshold()).isEqualTo(0.8);
        assertThat(settings.keepRecent()).isEqualTo(3);
    }

    @Test
    void valuesFromTheEnvironmentAreUsed() {
        ConversationSettings settings = ConversationSettings.from(Config.of(Map.of("CONVERSATION_TTL_SECONDS", "600",
                "CONVERSATION_TOKEN_THRESHOLD", "0.5", "CONVERSATION_KEEP_RECENT", "0")));

        assertThat(settings).isEqualTo(new ConversationSettings(Duration.ofMinutes(10), 0.5, 0, 16_384));
    }

    @Test
    void aThresholdOutsideTheUsefulRangeIsRefusedWithWhatIsExpected() {
        assertThatThrownBy(() -> ConversationSettings.from(Config.of(Map.of("CONVERSATION_TOKEN_THRESHOLD", "80"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONVERSATION_TOKEN_THRESHOLD")
                .hasMessageContaining("between 0.1 and 0.95");
    }

    @Test
    void aTtlThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> ConversationSettings.from(Config.of(Map.of("CONVERSATION_TTL_SECONDS", "30m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONVERSATION_TTL_SECONDS")
                .hasMessageContaining("whole number of seconds");
    }
}
