package dev.cortana.testkit.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The fakes' prompt cache serves the longest start a new prompt shares with any prompt seen before. */
class PrefixCacheTest {

    @Test
    void aNewPromptIsServedUpToItsLongestStartSharedWithAnyEarlierPrompt() {
        PrefixCache cache = new PrefixCache();
        assertThat(cache.cachedTokens("tools system conversation-one")).isZero();
        cache.cachedTokens("tools system conversation-two and more");
        cache.cachedTokens("zzzz another prompt entirely");
        cache.cachedTokens("aaaa another prompt entirely");

        // 29 characters shared with the first prompt (4 characters a token), 27 with the second.
        assertThat(cache.cachedTokens("tools system conversation-one, continued")).isEqualTo(29 / 4);
        assertThat(cache.cachedTokens("tools system conversation-t")).isEqualTo(27 / 4);
        assertThat(cache.cachedTokens("a completely new start")).isZero();
        assertThat(cache.cachedTokens("tools system conversation-one")).isEqualTo(29 / 4);
    }
}
