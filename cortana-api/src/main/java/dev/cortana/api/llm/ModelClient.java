package dev.cortana.api.llm;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.util.Objects;

/**
 * What {@link LlmProvider#model(ModelSetup)} builds: a whole-answer client, a streaming one, or word that the provider
 * has no streaming client (the host then answers in one piece).
 *
 * @since 0.1.0
 */
public sealed interface ModelClient {

    /** A client answering in one piece. */
    static ModelClient of(ChatModel model) {
        return new Blocking(model);
    }

    /** A client streaming its answer. */
    static ModelClient of(StreamingChatModel model) {
        return new Streaming(model);
    }

    /** For a streaming setup: this provider does not stream. */
    static ModelClient noStreaming() {
        return new NoStreaming();
    }

    record Blocking(ChatModel model) implements ModelClient {
        public Blocking {
            Objects.requireNonNull(model, "model");
        }
    }

    record Streaming(StreamingChatModel model) implements ModelClient {
        public Streaming {
            Objects.requireNonNull(model, "model");
        }
    }

    record NoStreaming() implements ModelClient {
    }
}
