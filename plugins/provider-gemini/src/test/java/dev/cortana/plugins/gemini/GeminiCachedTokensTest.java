package dev.cortana.plugins.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.PromptTokens;
import dev.cortana.testkit.wire.FakeGemini;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gemini's implicit cache: {@code cachedContentTokenCount} read for the usage ledger. */
class GeminiCachedTokensTest {

    private static final String KEY = "AIza-cache-test-0123456789abcdef";
    private static final String MODEL = "gemini-2.5-flash";

    private final FakeGemini server = FakeGemini.start();
    private final GeminiProvider provider = new GeminiProvider();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatResponse send(List<ChatMessage> messages) {
        ModelSetup setup = new ModelSetup(new LlmCredential("gemini", KEY, Optional.of(server.baseUrl())), MODEL,
                server.baseUrl(), Duration.ofSeconds(30),
                JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)),
                false, new ModelInfo("gemini", MODEL, 0, 0));
        ChatModel model = ((ModelClient.Blocking) provider.model(setup)).model();
        return model.chat(provider.prepare(ChatRequest.builder().messages(messages).build(), MODEL));
    }

    @Test
    void aFollowUpThatRepeatsThePreviousRequestIsReportedMostlyCached() {
        server.enqueue(FakeGemini.Reply.text("Hello, Ada."), FakeGemini.Reply.text("You are Ada."));
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from("You are Cortana. ".repeat(50)),
                UserMessage.from("I am Ada")));

        ChatResponse first = send(conversation);
        conversation.add(first.aiMessage());
        conversation.add(UserMessage.from("who am I?"));
        ChatResponse second = send(conversation);

        PromptTokens before = provider.promptTokens(first.tokenUsage());
        PromptTokens after = provider.promptTokens(second.tokenUsage());
        assertThat(before.cachedInput()).isZero();
        assertThat(before.input()).isEqualTo((long) first.tokenUsage().inputTokenCount());
        assertThat(after.cachedInput()).isEqualTo((long) ((dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage) second.tokenUsage()).cachedContentTokenCount()).isGreaterThan(after.input() / 2);
        assertThat(after.input()).isEqualTo((long) second.tokenUsage().inputTokenCount());
    }
}
