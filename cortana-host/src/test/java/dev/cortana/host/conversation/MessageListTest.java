package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A history grows without being copied, and every earlier history stays as it was. */
class MessageListTest {

    private static List<ChatMessage> exchange(int n) {
        return List.of(UserMessage.from("question " + n), AiMessage.from("answer " + n));
    }

    @Test
    void aHistoryTakenBeforeAnAppendKeepsItsMessagesAndTwoBranchesDoNotSeeEachOther() {
        MessageList base = MessageList.of(exchange(0));
        MessageList first = base.plus(exchange(1));
        MessageList second = base.plus(exchange(2)); // appended to the same base: must not overwrite the first

        assertThat(base).containsExactlyElementsOf(exchange(0));
        assertThat(first).hasSize(4).endsWith(exchange(1).toArray(ChatMessage[]::new));
        assertThat(second).hasSize(4).endsWith(exchange(2).toArray(ChatMessage[]::new));
        assertThat(new ArrayList<>(first)).containsExactlyElementsOf(first);
    }

    @Test
    void runningTokenTotalsEqualCountingEveryMessageAfterEachAppendAndOnBranches() {
        TokenCounter tokens = new TokenCounter();
        MessageList history = MessageList.EMPTY;
        MessageList early = history;
        for (int n = 0; n < 50; n++) {
            history = history.plus(exchange(n));
            early = n == 5 ? history : early;
            for (String model : List.of("gpt-4o", "gpt-4", "claude-sonnet-4")) {
                assertThat(tokens.count(model, history)).isEqualTo(new TokenCounter().count(model, List.copyOf(history)));
            }
        }
        MessageList branch = early.plus(exchange(99)); // a history that went on differently from turn 6
        assertThat(tokens.count("gpt-4o", early)).isEqualTo(new TokenCounter().count("gpt-4o", List.copyOf(early)));
        assertThat(tokens.count("gpt-4o", branch)).isEqualTo(new TokenCounter().count("gpt-4o", List.copyOf(branch)));
    }
}
