package dev.cortana.host.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ToolRunnerTest {

    private final ToolRunner runner = new ToolRunner(Duration.ofMillis(300));
    private final CountDownLatch never = new CountDownLatch(1);

    private final ToolSet tools = new ToolSet(List.of(
            tool("echo", (args, user) -> user + ":" + args),
            tool("explode", (args, user) -> { throw new IllegalArgumentException("due must be ISO-8601"); }),
            tool("hang", (args, user) -> { never.await(); return "never"; }),
            tool("flood", (args, user) -> "é".repeat(100_000))));

    @AfterEach
    void close() {
        runner.close();
    }

    private static RegisteredTool tool(String name, RegisteredTool.ToolInvoker invoker) {
        return new RegisteredTool("test", ToolSpecification.builder().name(name).description(name).build(), invoker);
    }

    private String call(String name) {
        return runner.run(tools, ToolExecutionRequest.builder().id("1").name(name).arguments("{}").build(), "u1");
    }

    @Test
    void aToolsAnswerIsPassedThroughWithTheUser() {
        assertThat(call("echo")).isEqualTo("u1:{}");
    }

    @Test
    void aThrowingToolBecomesAnErrorResultTheModelCanRead() {
        assertThat(call("explode")).isEqualTo("Error: due must be ISO-8601");
    }

    @Test
    void aHangingToolTimesOutWithAClearResultAndTheRunnerKeepsWorking() {
        long start = System.nanoTime();

        assertThat(call("hang")).startsWith("Error: the tool hang did not finish within 0 seconds");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(call("echo")).isEqualTo("u1:{}");
    }

    @Test
    void anUnknownToolNameListsTheAvailableTools() {
        assertThat(call("nope")).isEqualTo("Error: there is no tool named \"nope\". Available tools: echo, explode, hang, flood.");
    }

    @Test
    void aResultOverSixtyFourKibibytesIsCutOnACharacterBoundaryWithANote() {
        String result = call("flood");

        assertThat(result).startsWith("é".repeat(32_768)).doesNotContain("\uFFFD")
                .endsWith("[cut by Cortana: the result of flood was 200000 bytes; only the first 65536 are shown. "
                        + "Ask the tool for less.]");
        assertThat(result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(66_000);
    }
}
