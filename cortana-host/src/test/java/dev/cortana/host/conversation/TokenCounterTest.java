package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.ModelType;
import dev.cortana.host.testing.WithoutResources;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

    private final TokenCounter counter = new TokenCounter();

    @Test
    void openAiModelsAreCountedWithTheirRealEncoding() {
        // o200k_base: "Hello", ",", " world", "!" = 4 tokens; plus 4 for the message and 3 for the reply priming.
        List<ChatMessage> messages = List.of(UserMessage.from("Hello, world!"));

        assertThat(counter.count("gpt-4o", messages)).isEqualTo(11);
        assertThat(counter.count("openai/gpt-4.1-mini", messages)).isEqualTo(11);
        assertThat(counter.isExact("gpt-4o")).isTrue();
    }

    @Test
    void otherModelsAreEstimatedHigherThanARealTokenizerCounts() {
        String english = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm windowsill. ".repeat(50);
        String japanese = "今日はいい天気ですね。明日の会議は何時からですか？".repeat(20);
        for (String text : List.of(english, japanese)) {
            List<ChatMessage> messages = List.of(UserMessage.from(text));
            assertThat(counter.count("anthropic/claude-sonnet-4", messages)).isGreaterThan(counter.count("gpt-4o", messages));
        }
        assertThat(counter.isExact("anthropic/claude-sonnet-4")).isFalse();
    }

    @Test
    void knownCountsAreTheExactCountsOfTheMessagesAlreadyCountedPerEncoding() {
        ChatMessage counted = UserMessage.from("Hello, world!");
        ChatMessage notCounted = UserMessage.from("Not yet.");
        counter.count("gpt-4o", List.of(counted));

        assertThat(counter.knownCounts(List.of(counted, notCounted))).containsOnlyKeys("o200k_base");
        assertThat(counter.knownCounts(List.of(counted, notCounted)).get("o200k_base")).containsExactly(4, -1);
    }

    @Test
    void rememberedCountsAreUsedInsteadOfTokenising() {
        ChatMessage message = UserMessage.from("Hello, world!");

        assertThat(counter.remember("cl100k_base", List.of(message), new int[] {50})).isTrue();

        assertThat(counter.count("gpt-4-turbo", List.of(message))).isEqualTo(3 + 4 + 50);
        assertThat(counter.count("gpt-4o", List.of(message))).isEqualTo(11);
    }

    @Test
    void countsForAnUnknownEncodingOrOfTheWrongLengthAreRefused() {
        ChatMessage message = UserMessage.from("Hello, world!");

        assertThat(counter.remember("p50k_base", List.of(message), new int[] {50})).isFalse();
        assertThat(counter.remember("o200k_base", List.of(message), new int[] {50, 60})).isFalse();
        assertThat(counter.count("gpt-4o", List.of(message))).isEqualTo(11);
    }

    @Test
    void aFifteenMegabyteAnswerInOneTokenIsCountedQuicklyAndNotBelowItsSize() {
        List<ChatMessage> messages = List.of(dev.langchain4j.data.message.AiMessage.from("x".repeat(15_000_000)));

        int tokens = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> counter.count("gpt-4o", messages));

        // the head counted exactly, the rest estimated at one token per three characters
        assertThat(tokens).isGreaterThan(15_000_000 / 4);
    }

    @Test
    void textUpToTheExactLimitIsCountedExactly() {
        String text = "word ".repeat(TokenCounter.EXACT_CHARS / 5);
        int exact = com.knuddels.jtokkit.Encodings.newDefaultEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE).countTokensOrdinary(text);

        assertThat(counter.count("gpt-4o", List.of(UserMessage.from(text)))).isEqualTo(3 + 4 + exact);
    }

    /**
     * cortana-host.jar carries jtokkit's o200k_base and cl100k_base only (its shade filter leaves out the GPT-3
     * encodings p50k_base and r50k_base). Every model jtokkit knows, GPT-3's included, is counted without them: GPT-3
     * names by the estimate, and neither file is ever asked for.
     */
    @Test
    void everyModelJtokkitKnowsIsCountedWithoutTheGpt3EncodingsTheHostJarLeavesOut() {
        List<String> models = Arrays.stream(ModelType.values())
                .flatMap(model -> java.util.stream.Stream.of(model.getName(), "openai/" + model.getName())).toList();
        Map<String, String> counted;
        List<String> asked;
        try (WithoutResources jar = WithoutResources.hiding(
                name -> name.endsWith("p50k_base.tiktoken") || name.endsWith("r50k_base.tiktoken"))) {
            counted = jar.apply(CountHelloWorld.class, models);
            asked = jar.requested();
        }

        assertThat(asked).isEmpty();
        String estimated = "estimate: " + (3 + 4 + TokenCounter.estimate("Hello, world!"));
        for (ModelType model : ModelType.values()) {
            EncodingType encoding = model.getEncodingType();
            // the chat models by their real encoding; GPT-3's and the embedding models (no chats) by the estimate
            String expected = model.getName().startsWith("text-embedding-") ? estimated
                    : encoding == EncodingType.O200K_BASE || encoding == EncodingType.CL100K_BASE
                    ? encoding.getName() + ": 11" : estimated;
            assertThat(counted.get(model.getName())).as(model.getName()).isEqualTo(expected);
            assertThat(counted.get("openai/" + model.getName())).as("openai/" + model.getName()).isEqualTo(expected);
        }
    }

    /** Counts "Hello, world!" for each model name: the encoding that counted it exactly and the count, or the estimate. */
    public static final class CountHelloWorld implements Function<List<String>, Map<String, String>> {

        @Override
        public Map<String, String> apply(List<String> models) {
            TokenCounter counter = new TokenCounter();
            Map<String, String> counts = new LinkedHashMap<>();
            for (String model : models) {
                List<ChatMessage> messages = List.of(UserMessage.from("Hello, world!"));
                int tokens = counter.count(model, messages);
                String how = counter.isExact(model)
                        ? String.join(",", counter.knownCounts(messages).keySet()) : "estimate";
                counts.put(model, how + ": " + tokens);
            }
            return counts;
        }
    }
}
