package dev.cortana.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code PLUGIN_START_TIMEOUT} is checked at start-up, before anything starts, with the host's one-line form. */
class PluginStartTimeoutSettingTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "soon", "1.5"})
    void aValueThatIsNotAWholeNumberOfSecondsStopsStartUpWithOneLine(String value) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("--console"), Map.of("WORKSPACE_DIR", dir.resolve("ws").toString(),
                        "PLUGINS_DIR", dir.resolve("plugins").toString(), "PLUGIN_START_TIMEOUT", value),
                dir, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Configuration error: PLUGIN_START_TIMEOUT='" + value
                + "' is not valid: expected a whole number of seconds, at least 1" + System.lineSeparator());
        assertThat(dir.resolve("ws/.postgres")).as("the database was not started").doesNotExist();
    }

    @Test
    void unsetItIsTenSeconds() {
        assertThat(dev.cortana.host.config.CortanaConfig.pluginStartTimeout(dev.cortana.host.config.Config.of(Map.of())))
                .hasSeconds(10);
    }
}
