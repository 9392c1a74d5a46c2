package dev.cortana.plugins.websearch.exa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A malformed setting fails the plugin with the one line every Cortana setting uses. */
class BadExaSettingsTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("EXA_API_KEY", "exa-key-5555")
            .setting("EXA_API_URL", "api.exa.ai");

    @Test
    void anApiUrlWithoutSchemeFailsThePluginSayingWhatToSet() {
        assertThat(cortana.isStarted("websearch-exa")).isFalse();
        assertThat(cortana.plugins()).contains("EXA_API_URL='api.exa.ai' is not valid: expected an http:// or "
                + "https:// URL such as https://api.exa.ai").doesNotContain("exa-key-5555");
    }
}
