package dev.cortana.plugins.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeGemini;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host sends the time as its own user message right before the user's words; Gemini's conversation alternates
 * between user and model turns, so what reaches the server is one user turn with both parts.
 */
class GeminiTurnsTest {

    private static final String MODEL = "gemini-2.5-flash";

    private final FakeGemini server = FakeGemini.start();
    private final GeminiProvider provider = new GeminiProvider();

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode sent(List<ChatMessage> messages) {
        server.enqueue(FakeGemini.Reply.text("ok"));
        ModelSetup setup = new ModelSetup(new LlmCredential("gemini", "AIza-turns-test-0123456789", Optional.of(server.baseUrl())),
                MODEL, server.baseUrl(), Duration.ofSeconds(30),
                JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)),
                false, new ModelInfo("gemini", MODEL, 0, 0));
        ((ModelClient.Blocking) provider.model(setup)).model()
                .chat(provider.prepare(ChatRequest.builder().messages(messages).build(), MODEL));
        List<FakeGemini.RecordedRequest> requests = server.generateRequests();
        return requests.get(requests.size() - 1).body().path("contents");
    }

    private static List<String> turns(JsonNode contents) {
        List<String> turns = new ArrayList<>();
        contents.forEach(content -> {
            List<String> parts = new ArrayList<>();
            content.path("parts").forEach(part -> parts.add(part.path("text").asText()));
            turns.add(content.path("role").asText() + ": " + String.join(" | ", parts));
        });
        return turns;
    }

    @Test
    void theTimeAndTheUsersWordsReachGeminiAsOneUserTurnWithTwoParts() {
        List<ChatMessage> conversation = List.of(SystemMessage.from("You are Cortana."),
                UserMessage.from("Now: Tuesday 2026-12-01 12:00 (UTC, UTC+00:00)"), UserMessage.from("hi"),
                AiMessage.from("Hello!"),
                UserMessage.from("Now: Tuesday 2026-12-01 12:01 (UTC, UTC+00:00)"),
                UserMessage.from(TextContent.from("look at this"), TextContent.from("and this")));

        assertThat(turns(sent(conversation))).containsExactly(
                "user: Now: Tuesday 2026-12-01 12:00 (UTC, UTC+00:00) | hi",
                "model: Hello!",
                "user: Now: Tuesday 2026-12-01 12:01 (UTC, UTC+00:00) | look at this | and this");
    }

    @Test
    void aFollowUpBeginsWithThePreviousRequestsTurnsUnchanged() {
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from("You are Cortana."),
                UserMessage.from("Now: 12:00"), UserMessage.from("hi")));
        JsonNode first = sent(conversation);
        conversation.add(AiMessage.from("ok"));
        conversation.add(UserMessage.from("Now: 12:01"));
        conversation.add(UserMessage.from("and now?"));

        JsonNode second = sent(conversation);

        assertThat(second).hasSize(3);
        assertThat(second.get(0)).isEqualTo(first.get(0));
        assertThat(turns(second).get(2)).isEqualTo("user: Now: 12:01 | and now?");
    }

    @Test
    void aRequestWhoseTurnsAlreadyAlternateIsSentAsItIs() {
        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from("s"), UserMessage.from("hi"),
                AiMessage.from("Hello!"), UserMessage.from("bye")).build();

        assertThat(provider.prepare(request, MODEL)).isSameAs(request);
        assertThat(turns(sent(request.messages()))).containsExactly("user: hi", "model: Hello!", "user: bye");
    }
}
