package dev.cortana.host.llm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactJsonBodiesTest {

    private static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void anIndentedRequestLeavesWithoutItsIndentationAndMeansTheSame() throws Exception {
        Map<String, Object> request = Map.of(
                "model", "gpt-4o",
                "messages", List.of(Map.of("role", "user",
                        "content", "two  spaces, a\nnew line, a \"quote\" \\ and {braces} [here]\t tab")),
                "tools", List.of(Map.of("type", "function", "function", Map.of("name", "todo_add",
                        "description", "Add a todo.", "parameters", Map.of("type", "object")))));
        String indented = INDENTED.writeValueAsString(request);

        String compact = CompactJsonBodies.compact(indented);

        assertThat(compact).doesNotContain("\n  ").hasSizeLessThan(indented.length() * 3 / 4);
        assertThat(new ObjectMapper().readTree(compact)).isEqualTo(new ObjectMapper().readTree(indented));
        assertThat(compact).contains("two  spaces, a\\nnew line, a \\\"quote\\\" \\\\ and {braces} [here]\\t tab");
    }

    @Test
    void aStringEndingInAnEscapedBackslashEndsThere() throws Exception {
        String json = "{ \"path\" : \"C:\\\\\" , \"next\" : \" kept \" }";

        assertThat(CompactJsonBodies.compact(json)).isEqualTo("{\"path\":\"C:\\\\\",\"next\":\" kept \"}");
    }

    @Test
    void aQuoteAfterEscapedBackslashesClosesTheStringOnlyWhenItIsNotEscapedItself() throws Exception {
        // JSON text: "x\\\" y" is x, a backslash, a quote, " y" (the quote is escaped); "z\\" ends after z\
        String json = "{ \"a\" : \"x\\\\\\\" y \" , \"b\" : \"z\\\\\" , \"c\" : [ 1 , \"—  ünïcode  ✓\" ] }";

        String compact = CompactJsonBodies.compact(json);

        assertThat(compact).isEqualTo("{\"a\":\"x\\\\\\\" y \",\"b\":\"z\\\\\",\"c\":[1,\"—  ünïcode  ✓\"]}");
        assertThat(new ObjectMapper().readTree(compact)).isEqualTo(new ObjectMapper().readTree(json));
    }

    @Test
    void aBodyWrittenCompactIsSentAsItIsNotCopied() {
        String compact = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"two  spaces\\nand a break\"}]}";

        assertThat(CompactJsonBodies.compact(compact)).isSameAs(compact);
    }

    @Test
    void aBodyThatIsNotJsonIsSentAsItIs() {
        assertThat(CompactJsonBodies.compact("grant_type=client_credentials &x=1")).isEqualTo("grant_type=client_credentials &x=1");
        assertThat(CompactJsonBodies.compact("")).isEmpty();
        assertThat(CompactJsonBodies.compact(null)).isNull();
    }
}
