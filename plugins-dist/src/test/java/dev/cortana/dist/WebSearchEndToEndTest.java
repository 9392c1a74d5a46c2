package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeExa;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled websearch-exa JAR in the built Cortana: a console question answered from a search at a loopback Exa. */
class WebSearchEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    private FakeOpenAi openAi;
    private FakeExa exa;

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(request -> request.lastToolResult() == null
                ? Reply.toolCall("web_search", "{\"query\":\"virtual threads\",\"num_results\":2}")
                : Reply.text(request.lastToolResult()));
        exa = FakeExa.start();
        exa.page(new FakeExa.Page("https://openjdk.org/jeps/444", "JEP 444: Virtual Threads", "2023-03-06",
                "Virtual threads are lightweight threads."));
    }

    @AfterEach
    void stop() {
        openAi.close();
        exa.close();
    }

    @Test
    void aQuestionIsAnsweredFromTheWebAndTheSpendIsShown() {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-websearch-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("EXA_API_KEY", "exa-test-websearch-0002");
        env.put("EXA_API_URL", exa.baseUrl());

        ConsoleSession.Result result = ConsoleSession.run(env, workingDir, "what are virtual threads?", "/settings status");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("<untrusted_web_content>\n[1] JEP 444: Virtual Threads\n"
                        + "URL: https://openjdk.org/jeps/444\nPublished: 2023-03-06\n"
                        + "> Virtual threads are lightweight threads.\n</untrusted_web_content>")
                .contains("web searches today: 1 · pages read: 0 · $0.006")
                .doesNotContain("exa-test-websearch-0002");
        assertThat(exa.keysUsed()).containsExactly("exa-test-websearch-0002");
        assertThat(openAi.chatRequests().get(0).toolNames()).contains("web_search", "read_page");
    }
}
