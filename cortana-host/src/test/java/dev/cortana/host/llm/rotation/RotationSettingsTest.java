package dev.cortana.host.llm.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotator's settings are refused in the one message form, never with a stack trace. */
class RotationSettingsTest {

    @TempDir
    Path workspace;

    private RotationSettings from(String key, String value) {
        return RotationSettings.from(Config.of(Map.of(key, value)), workspace);
    }

    @Test
    void goodValuesAreRead() {
        RotationSettings settings = RotationSettings.from(Config.of(Map.of("ROTATOR_ROTATION_TOLERANCE", "0",
                "ROTATOR_MAX_RETRIES", "3", "ROTATOR_GLOBAL_TIMEOUT", "90")), workspace);

        assertThat(settings.tolerance()).isZero();
        assertThat(settings.maxRetries()).isEqualTo(3);
        assertThat(settings.globalTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.usageFile()).contains(workspace.resolve("key_usage.json"));
    }

    @Test
    void malformedValuesGiveOneLineNamingTheVariableAndWhatIsExpected() {
        assertThatThrownBy(() -> from("ROTATOR_MAX_RETRIES", "lots")).isInstanceOf(ConfigException.class)
                .hasMessage("ROTATOR_MAX_RETRIES='lots' is not valid: expected a whole number of attempts per key, "
                        + "from 1 to 100");
        assertThatThrownBy(() -> from("ROTATOR_MAX_RETRIES", "2.5"))
                .hasMessageStartingWith("ROTATOR_MAX_RETRIES='2.5' is not valid");
        assertThatThrownBy(() -> from("ROTATOR_ROTATION_TOLERANCE", "-1"))
                .hasMessage("ROTATOR_ROTATION_TOLERANCE='-1' is not valid: expected a number, 0 or more, such as 2.0");
        assertThatThrownBy(() -> from("ROTATOR_ROTATION_TOLERANCE", "NaN"))
                .hasMessageStartingWith("ROTATOR_ROTATION_TOLERANCE='NaN' is not valid");
        assertThatThrownBy(() -> from("ROTATOR_GLOBAL_TIMEOUT", "0"))
                .hasMessage("ROTATOR_GLOBAL_TIMEOUT='0' is not valid: expected a number of seconds from 1 to 86400, "
                        + "such as 120");
        assertThatThrownBy(() -> from("ENABLE_ROTATOR", "maybe"))
                .hasMessage("ENABLE_ROTATOR='maybe' is not valid: expected true or false");
    }
}
