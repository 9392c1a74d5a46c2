package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.PostgresExtension;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user's settings, as the settings commands and plugins read and write them. */
@ExtendWith(PostgresExtension.class)
class UserSettingsStoreTest {

    private final UserSettingsStore settings;

    UserSettingsStoreTest(DataSource dataSource) {
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
}
