package dev.cortana.host.conversation;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Appends large tool-call turns to a conversation cache until it is killed ({@link ConversationJournalTest}). */
public final class JournalKilledChild {

    public static final String READY = "JOURNAL-CHILD-READY";

    public static void main(String[] args) {
        ConversationCache cache = ConversationCache.open(new ConversationFiles(Path.of(args[0]), new TokenCounter()),
                Clock.systemUTC(), Duration.ofHours(1));
        for (int turn = 0; ; turn++) {
            cache.append("u1", turn(turn));
            if (turn == 5) {
                System.out.println(READY);
            }
        }
    }

    /** Turn {@code n}: a question, a tool call, a 100,000-character result and an answer, each naming {@code n}. */
    static List<ChatMessage> turn(int n) {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_" + n).name("read_file")
                .arguments("{\"path\":\"notes-" + n + ".md\"}").build();
        return List.of(UserMessage.from("question " + n), AiMessage.from(List.of(call)),
                ToolExecutionResultMessage.from(call, result(n)), AiMessage.from("answer " + n));
    }

    static String result(int n) {
        String unit = "result " + n + " ";
        return unit.repeat(100_000 / unit.length() + 1).substring(0, 100_000);
    }
}
