package dev.cortana.plugins.websearch.exa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without EXA_API_KEY the plugin offers no tools and says which variable to set. */
class NoExaKeyTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();

    @Test
    void noToolsAreOfferedAndPluginsAndStatusSayWhichVariableToSet() {
        cortana.model().when("hello").answer("Hi");
        assertThat(cortana.chat("hello")).isEqualTo("Hi");

        assertThat(cortana.isStarted("websearch-exa")).isTrue();
        assertThat(cortana.model().offeredTools()).doesNotContain("web_search", "read_page");
        assertThat(cortana.plugins()).contains("no web search: set EXA_API_KEY (or EXA_API_KEY_1, _2, ... for several "
                + "keys) to offer web_search and read_page");
        assertThat(cortana.command("/settings status")).contains("web search is off: set EXA_API_KEY to search the web");
    }
}
