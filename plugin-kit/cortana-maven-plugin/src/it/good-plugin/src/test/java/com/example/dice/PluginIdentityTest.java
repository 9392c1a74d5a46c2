package com.example.dice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The parent hands the plugin's identity and layout to its tests, for the test kit to load it as the host does. */
class PluginIdentityTest {

    @Test
    void theParentHandsThePluginsIdentityToItsTests() {
        assertThat(System.getProperty("cortana.plugin.id")).isEqualTo("dice");
        assertThat(System.getProperty("cortana.plugin.version")).isEqualTo("1.0.0");
        assertThat(System.getProperty("cortana.plugin.description")).isEqualTo("Rolls dice: the IT that passes the check");
        assertThat(System.getProperty("cortana.plugin.requires")).isEqualTo(">=0.1.0");
        assertThat(Path.of(System.getProperty("cortana.plugin.classes")).resolve("META-INF/extensions.idx")).exists();
    }

    @Test
    void thePrivateLibrariesAreCopiedWithoutWhatCortanaProvides() throws Exception {
        Path libs = Path.of(System.getProperty("cortana.plugin.libs"));
        try (var files = Files.list(libs)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("jtokkit-1.1.0.jar");
        }
    }
}
