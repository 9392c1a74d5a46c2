package dev.cortana.dist;

import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.time.LocalDate;
import java.util.function.Function;

/**
 * A stand-in for a real model behind the loopback OpenAI server: it maps the user's words to the tool call a good
 * model would make, and answers with what the tool returned, so a test sees exactly what the plugin produced.
 */
final class ScriptedModel implements Function<RecordedRequest, Reply> {

    private final LocalDate friday;

    ScriptedModel(LocalDate friday) {
        this.friday = friday;
    }

    @Override
    public Reply apply(RecordedRequest request) {
        String toolResult = request.lastToolResult();
        if (toolResult != null) {
            return Reply.text(toolResult);
        }
        String said = request.lastUserMessage().toLowerCase();
        if (said.startsWith("add ")) {
            String title = said.substring(said.indexOf('"') + 1, said.lastIndexOf('"'));
            return Reply.toolCall("add_todo", "{\"title\":\"" + title + "\",\"due\":\"" + friday + "\"}");
        }
        if (said.contains("my list")) {
            return Reply.toolCall("list_todos", "{\"status\":\"open\"}");
        }
        if (said.startsWith("call ")) {
            String tool = said.substring("call ".length()).trim();
            return Reply.toolCall(tool, "{}");
        }
        return Reply.text("You said: " + request.lastUserMessage());
    }
}
