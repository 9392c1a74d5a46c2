package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Plugins a test names come from the test class path; a missing one is named, with what is there. */
class NamedPluginsTest {

    @Test
    void aNamedPluginThatIsNotOnTheClassPathFailsTheStartNamingWhatIsThere() {
        CortanaTestHost cortana = CortanaTestHost.withoutPluginUnderTest().withPlugins("weather");

        assertThatThrownBy(cortana::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No plugin weather on the test class path. Plugin JARs found there (by"
                        + " Plugin-Id): [provider-openai]");
    }

    @Test
    void withoutThePluginUnderTestOnlyTheProviderIsLoaded() {
        CortanaTestHost cortana = CortanaTestHost.withoutPluginUnderTest();
        cortana.start();
        try {
            assertThat(cortana.startedPlugins()).containsExactly("provider-openai");
            cortana.model().when("hi").answer("Hello");
            assertThat(cortana.chat("hi")).isEqualTo("Hello");
            assertThat(cortana.model().offeredTools()).isEmpty();
        } finally {
            cortana.stop();
        }
    }
}
