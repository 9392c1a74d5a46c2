package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack 7 of issue 9 on the assembled bot: a history built with a model of a large window, then {@code /settings
 * model} to one whose window the history overflows several times. The fake OpenAI server enforces that window as
 * OpenAI does (400 {@code context_length_exceeded}).
 */
class SmallerModelEndToEndTest {

    private static final int SMALL_WINDOW = 4_096;

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    @Test
    void afterSwitchingToAModelWithASmallerWindowTheNextMessageAndEveryLaterOneIsAnswered() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.contextWindow("gpt-4o-mini", SMALL_WINDOW).respondWith(request -> {
                if (request.messages().get(0).path("content").asText().startsWith("Summarise this conversation")) {
                    return Reply.text("SUMMARY: the user sent many numbered lines.");
                }
                String said = request.lastUserMessage();
                return Reply.text("answered " + said.substring(0, said.indexOf(' ')) + " with " + request.model());
            });
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-test-window-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            env.put("LLM_MODEL_NAME", "openai/gpt-4o");
            env.put("MODEL_LIMITS", "openai/gpt-4o-mini=" + SMALL_WINDOW);
            List<String> lines = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int n = 1; n <= 30; n++) { // about 10,000 tokens of history: the small window two and a half times
                lines.add("m" + n + " " + "the quick brown fox jumps over the lazy dog again and again. ".repeat(25));
                expected.add("answered m" + n + " with gpt-4o");
            }
            lines.add("/settings model openai/gpt-4o-mini");
            for (int n = 31; n <= 35; n++) {
                lines.add("m" + n + " " + "the quick brown fox jumps over the lazy dog again and again. ".repeat(25));
                expected.add("answered m" + n + " with gpt-4o-mini");
            }

            ConsoleSession.Result result = ConsoleSession.run(env, workingDir, lines.toArray(String[]::new));

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            List<String> out = new ArrayList<>(result.stdout().lines().toList());
            assertThat(out.remove(30)).contains("gpt-4o-mini");
            assertThat(out).containsExactlyElementsOf(expected);
            assertThat(openAi.chatRequests()).noneMatch(r -> r.model().equals("gpt-4o-mini")
                    && FakeOpenAi.promptTokens(r) > SMALL_WINDOW);
            assertThat(openAi.chatRequests().stream().filter(SmallerModelEndToEndTest::isSummary).count()).isGreaterThan(1);
        }
    }

    private static boolean isSummary(RecordedRequest request) {
        return request.messages().get(0).path("content").asText().startsWith("Summarise this conversation");
    }
}
