package dev.cortana.host.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Which memory provider the host uses, and the tools and {@code /memory} command it offers on top of it: only while
 * a provider is active, always for the calling user's facts.
 */
class MemoryToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    @Test
    void theFirstActiveProviderIsUsedAndTheLocalFallbackOnlyWhenThereIsNoOther() {
        Facts zepOff = new Facts("zep", false, false);
        Facts zepOn = new Facts("zep", true, false);
        Facts local = new Facts("memory-local", true, true);

        assertThat(memory(Optional.empty(), local, zepOff).provider()).containsSame(local);
        assertThat(memory(Optional.empty(), local, zepOn).provider()).containsSame(zepOn);
        assertThat(memory(Optional.of("memory-local"), zepOn, local).provider()).containsSame(local);
        assertThat(memory(Optional.of("zep"), zepOff, local).provider()).isEmpty(); // named, but not configured
        assertThat(memory(Optional.empty(), zepOff).provider()).isEmpty();
    }

    @Test
    void withoutAnActiveProviderThereAreNoMemoryToolsAndNoMemoryCommand() {
        ActiveMemory none = memory(Optional.empty(), new Facts("zep", false, false));

        assertThat(new MemoryTools(none).dynamicTools()).isEmpty();
        assertThat(new MemoryCommand(none).ifActive()).isEmpty();
    }

    @Test
    void theThreeToolDefinitionsCostAtMost600BytesOfTheOpenAiRequest() throws Exception {
        List<AgentTool> tools = new MemoryTools(memory(Optional.empty(), new Facts("memory-local", true, true)))
                .dynamicTools();
        String json = JSON.writeValueAsString(OpenAiUtils.toTools(tools.stream().map(AgentTool::specification).toList(), false));

        assertThat(tools).extracting(AgentTool::name).containsExactly("remember", "recall", "forget");
        System.out.println("memory tools in the OpenAI request: " + json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + " bytes: " + json);
        assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(600);
    }

    @Test
    void theToolsWorkOnTheCallingUsersFactsOnly() throws Exception {
        Facts local = new Facts("memory-local", true, true);
        List<AgentTool> tools = new MemoryTools(memory(Optional.empty(), local)).dynamicTools();
        AgentTool remember = tools.get(0);
        AgentTool recall = tools.get(1);
        AgentTool forget = tools.get(2);

        assertThat(remember.handler().handle(call("remember", "fact", "Lives in Porto", "alice")))
                .isEqualTo("Remembered [1] Lives in Porto");
        assertThat(recall.handler().handle(call("recall", "query", "home", "alice")))
                .isEqualTo("[1] Lives in Porto (asked to remember)");
        assertThat(recall.handler().handle(call("recall", "query", "home", "bob")))
                .isEqualTo("Nothing saved matches \"home\".");
        assertThat(forget.handler().handle(call("forget", "id", "1", "bob")))
                .isEqualTo("No saved fact has id 1; call recall to find the fact's id.");
        assertThat(forget.handler().handle(call("forget", "id", "1", "alice"))).isEqualTo("Forgot fact 1.");
        assertThat(local.of("alice")).isEmpty();
    }

    @Test
    void slashMemoryListsWithIdsAndForgetsByIdSayingWhatTheProviderDoes() throws Exception {
        Facts zep = new Facts("zep", true, false) {
            @Override
            public String forgetNote() {
                return "Zep invalidates facts rather than deleting them: it stays in Zep, hidden from recall.";
            }
        };
        ActiveMemory memory = memory(Optional.empty(), zep);
        zep.remember("alice", "Lives in Porto");
        zep.remember("alice", "Has a beagle named Pimenta");
        MemoryCommand command = new MemoryCommand(memory);

        assertThat(command.run(new CommandInvocation("alice", null, Map.of()))).isEqualTo("""
                What I remember about you (newest first):
                - [2] Has a beagle named Pimenta (asked to remember)
                - [1] Lives in Porto (asked to remember)
                Forget one with /memory forget <id>.""");
        assertThat(command.run(new CommandInvocation("bob", null, Map.of())))
                .isEqualTo("I don't remember anything about you yet.");
        // The console fills the one option with the rest of the line; Discord sends just the id.
        assertThat(command.run(new CommandInvocation("alice", null, Map.of("forget", "forget 1"))))
                .isEqualTo("Forgot fact 1. Zep invalidates facts rather than deleting them: it stays in Zep, hidden "
                        + "from recall.");
        assertThat(command.run(new CommandInvocation("alice", null, Map.of("forget", "7"))))
                .isEqualTo("No remembered fact has id 7. /memory lists the ids.");
        assertThat(zep.of("alice")).extracting(MemoryFact::text).containsExactly("Has a beagle named Pimenta");
    }

    private static ToolCall call(String tool, String parameter, String value, String user) {
        return new ToolCall(tool, JSON.createObjectNode().put(parameter, value), user);
    }

    private static ActiveMemory memory(Optional<String> preferred, MemoryProvider... providers) {
        return new ActiveMemory(() -> List.of(providers), preferred, Executors.newCachedThreadPool(),
                java.time.Duration.ofSeconds(1));
    }

    /** A provider keeping facts in a map, per user (a unit-test double). */
    private static class Facts implements MemoryProvider {
        private final String id;
        private final boolean active;
        private final boolean fallback;
        private final Map<String, List<MemoryFact>> byUser = new ConcurrentHashMap<>();
        private int next;

        Facts(String id, boolean active, boolean fallback) {
            this.id = id;
            this.active = active;
            this.fallback = fallback;
        }

        List<MemoryFact> of(String user) {
            return byUser.getOrDefault(user, List.of());
        }

        @Override public String id() { return id; }
        @Override public boolean active() { return active; }
        @Override public boolean fallback() { return fallback; }
        @Override public String context(String userId, String message) { return ""; }
        @Override public void learn(String userId, List<ChatMessage> turn) { }

        @Override
        public synchronized MemoryFact remember(String userId, String fact) {
            MemoryFact stored = new MemoryFact(Integer.toString(++next), fact, Instant.EPOCH, "asked to remember");
            byUser.computeIfAbsent(userId, u -> new ArrayList<>()).add(stored);
            return stored;
        }

        @Override
        public List<MemoryFact> recall(String userId, String query, int limit) {
            return of(userId).stream().limit(limit).toList();
        }

        @Override
        public List<MemoryFact> facts(String userId, int limit) {
            List<MemoryFact> newest = new ArrayList<>(of(userId));
            java.util.Collections.reverse(newest);
            return newest.stream().limit(limit).toList();
        }

        @Override
        public boolean forget(String userId, String factId) {
            return byUser.getOrDefault(userId, new ArrayList<>()).removeIf(f -> f.id().equals(factId));
        }
    }
}
