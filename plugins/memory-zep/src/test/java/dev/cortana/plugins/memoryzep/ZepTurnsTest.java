package dev.cortana.plugins.memoryzep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of a turn goes to Zep: the user's words and the answer in words; tool traffic and the host's context line do not. */
class ZepTurnsTest {

    static final Instant AT = Instant.parse("2026-12-01T09:00:00Z");

    @Test
    void aTurnWithAToolCallSendsTheUsersWordsAndTheFinalAnswerOnly() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("c1").name("read_file")
                .arguments("{\"path\":\"notes.txt\"}").build();
        List<ZepTurns.Queued> queued = ZepTurns.of(List.of(
                UserMessage.from("Now: Tue 2026-12-01 09:00 (UTC, UTC+00:00)\n# Memory\nFacts recalled about the user"),
                UserMessage.from("what is in my notes?"),
                AiMessage.from(call),
                ToolExecutionResultMessage.from(call, "secret-ish file contents"),
                AiMessage.from("Your notes list three books.")), AT);

        assertThat(queued).extracting(ZepTurns.Queued::role, ZepTurns.Queued::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple("user", "what is in my notes?"),
                org.assertj.core.groups.Tuple.tuple("assistant", "Your notes list three books."));
        assertThat(queued).allSatisfy(q -> assertThat(q.createdAt()).isEqualTo(AT));
    }

    @Test
    void theSameWordsInAnotherExchangeAreAnotherMessageButTheSameExchangeHandedOverAgainIsNot() {
        List<ZepTurns.Queued> monday = ZepTurns.of(List.of(UserMessage.from("Now: Mon 2026-11-30 09:00 (UTC)"),
                UserMessage.from("yes"), AiMessage.from("Done.")), AT);
        List<ZepTurns.Queued> tuesday = ZepTurns.of(List.of(UserMessage.from("Now: Tue 2026-12-01 09:00 (UTC)"),
                UserMessage.from("yes"), AiMessage.from("Done.")), AT);
        List<ZepTurns.Queued> mondayAtCompaction = ZepTurns.of(List.of(UserMessage.from("Now: Mon 2026-11-30 09:00 (UTC)"),
                UserMessage.from("yes"), AiMessage.from("Done.")), null);

        assertThat(monday.get(0).digest()).isNotEqualTo(tuesday.get(0).digest());
        assertThat(mondayAtCompaction).extracting(ZepTurns.Queued::digest)
                .containsExactlyElementsOf(monday.stream().map(ZepTurns.Queued::digest).toList());
    }

    @Test
    void aLongMessageIsCutToWhatZepTakes() {
        List<ZepTurns.Queued> queued = ZepTurns.of(List.of(UserMessage.from("x".repeat(10_000))), AT);

        assertThat(queued.get(0).content()).hasSize(ZepTurns.MAX_CONTENT).endsWith("…");
    }
}
