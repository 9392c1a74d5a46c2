package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user's settings, as the settings commands and plugins read and write them. */
@ExtendWith(PostgresExtension.class)
class UserSettingsStoreTest {

    private final UserSettingsStore settings;
    private final DataSource dataSource;

    UserSettingsStoreTest(DataSource dataSource) {
        this.dataSource = dataSource;
        settings = new UserSettingsStore(dataSource);
    }

    @Test
    void aSettingThatWasPutIsReadBack() {
        settings.put("u-roundtrip", "timezone", "Europe/Berlin");

        assertThat(settings.get("u-roundtrip", "timezone")).contains("Europe/Berlin");
    }

    @Test
    void aSettingNeverPutIsEmpty() {
        assertThat(settings.get("u-never", "timezone")).isEmpty();
    }

    @Test
    void puttingAgainReplacesTheValue() {
        settings.put("u-replace", "model", "gpt-4o");
        settings.put("u-replace", "model", "claude-sonnet");

        assertThat(settings.get("u-replace", "model")).contains("claude-sonnet");
        assertThat(settings.all("u-replace")).hasSize(1);
    }

    @Test
    void aRemovedSettingIsGoneAndRemovingAgainIsHarmless() {
        settings.put("u-remove", "model", "gpt-4o");

        settings.remove("u-remove", "model");
        settings.remove("u-remove", "model");

        assertThat(settings.get("u-remove", "model")).isEmpty();
    }

    @Test
    void allListsOnlyThatUsersSettingsInKeyOrder() {
        settings.put("u-all", "timezone", "UTC");
        settings.put("u-all", "model", "gpt-4o");
        settings.put("u-other", "model", "other");

        Map<String, String> all = settings.all("u-all");

        assertThat(all).containsExactly(Map.entry("model", "gpt-4o"), Map.entry("timezone", "UTC"));
        assertThatThrownBy(() -> all.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valuesKeepQuotesNewlinesAndNonAsciiText() {
        String value = "it's \"quoted\"\nzweite Zeile: äöü ✓ 日本";
        settings.put("u-text", "note", value);

        assertThat(settings.get("u-text", "note")).contains(value);
    }

    @Test
    void settingsOfOneUserDoNotLeakToAnother() {
        settings.put("u-a", "model", "a-model");

        assertThat(settings.get("u-b", "model")).isEmpty();
    }

    @Test
    void aRememberedSettingFollowsEveryWriteThroughTheStoreAtOnce() {
        assertThat(settings.remembered("u-remember", "model")).isEmpty();

        settings.put("u-remember", "model", "gpt-4o");
        assertThat(settings.remembered("u-remember", "model")).contains("gpt-4o");
        settings.put("u-remember", "model", "claude-sonnet");
        assertThat(settings.remembered("u-remember", "model")).contains("claude-sonnet");
        settings.remove("u-remember", "model");
        assertThat(settings.remembered("u-remember", "model")).isEmpty();
    }

    @Test
    void aSettingWrittenAroundTheStoreIsSeenOnceTheStoreIsToldToForget() throws SQLException {
        settings.put("u-around", "timezone", "UTC");
        assertThat(settings.remembered("u-around", "timezone")).contains("UTC");

        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE user_settings SET value = 'Europe/Berlin' WHERE user_id = 'u-around'")) {
            update.executeUpdate();
        }
        assertThat(settings.remembered("u-around", "timezone")).as("read from memory").contains("UTC");
        assertThat(settings.get("u-around", "timezone")).as("get always reads the table").contains("Europe/Berlin");

        settings.forgetRemembered();
        assertThat(settings.remembered("u-around", "timezone")).contains("Europe/Berlin");
    }
}
