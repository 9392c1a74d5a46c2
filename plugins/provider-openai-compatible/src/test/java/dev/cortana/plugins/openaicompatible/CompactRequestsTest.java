package dev.cortana.plugins.openaicompatible;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactRequestsTest {

    @Test
    void langChain4jsOpenAiClientWritesItsRequestBodiesWithoutIndentation() throws Exception {
        assertThat(CompactRequests.apply()).as("LangChain4j's mapper found").isTrue();

        Method toJson = Class.forName("dev.langchain4j.model.openai.internal.Json").getDeclaredMethod("toJson", Object.class);
        toJson.setAccessible(true);
        Map<String, Object> request = Map.of("model", "gpt-4o",
                "messages", List.of(Map.of("role", "user", "content", "a line\nand another")));
        String body = (String) toJson.invoke(null, request);

        assertThat(body).doesNotContain("\n").startsWith("{\"");
        assertThat(new ObjectMapper().readTree(body)).isEqualTo(new ObjectMapper().valueToTree(request));
    }
}
