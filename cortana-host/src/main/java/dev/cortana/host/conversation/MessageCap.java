package dev.cortana.host.conversation;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The most text one message may carry into a conversation: {@value #MAX_CHARS} characters (about 50,000 tokens).
 * Longer text is cut with a note saying so before it is kept, and a saved conversation from before this bound is cut
 * the same way when it is loaded, so no single message (a runaway answer, a huge tool result) can swamp the model's
 * window, the token counter or a restart.
 */
public final class MessageCap {

    public static final int MAX_CHARS = 200_000;

    private MessageCap() {
    }

    /** {@code messages} with every oversized message cut; the same list when none is. */
    public static List<ChatMessage> apply(List<ChatMessage> messages) {
        List<ChatMessage> result = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage cut = apply(messages.get(i));
            if (cut != messages.get(i) && result == null) {
                result = new ArrayList<>(messages.subList(0, i));
            }
            if (result != null) {
                result.add(cut);
            }
        }
        return result == null ? messages : result;
    }

    /** {@code message} itself when it fits, else a copy whose text is cut with a note. */
    public static ChatMessage apply(ChatMessage message) {
        if (message instanceof AiMessage ai) {
            boolean textFits = fits(ai.text());
            boolean callsFit = !ai.hasToolExecutionRequests() || ai.toolExecutionRequests().stream()
                    .allMatch(call -> fits(call.arguments()));
            if (textFits && callsFit) {
                return message;
            }
            String text = textFits ? ai.text() : cut(ai.text());
            if (!ai.hasToolExecutionRequests()) {
                return AiMessage.from(text);
            }
            // Cut JSON is no JSON: the call already ran, so its oversized arguments are replaced by an empty object.
            List<ToolExecutionRequest> calls = ai.toolExecutionRequests().stream().map(call -> fits(call.arguments())
                    ? call
                    : ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments("{}").build()).toList();
            return text == null || text.isEmpty() ? AiMessage.from(calls) : AiMessage.from(text, calls);
        }
        if (message instanceof ToolExecutionResultMessage result) {
            return fits(result.text()) ? message
                    : ToolExecutionResultMessage.from(result.id(), result.toolName(), cut(result.text()));
        }
        if (message instanceof UserMessage user) {
            if (user.contents().stream().allMatch(c -> !(c instanceof TextContent text) || fits(text.text()))) {
                return message;
            }
            List<Content> contents = user.contents().stream().map(c -> c instanceof TextContent text
                    && !fits(text.text()) ? (Content) TextContent.from(cut(text.text())) : c).toList();
            return user.name() == null ? UserMessage.from(contents) : UserMessage.from(user.name(), contents);
        }
        return message;
    }

    private static boolean fits(String text) {
        return text == null || text.length() <= MAX_CHARS;
    }

    static String cut(String text) {
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "\n\n[cut by Cortana: this message was " + text.length()
                + " characters long; only the first " + end + " were kept]";
    }
}
