package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.plugins.memorylocal.Learning.Decision;
import dev.cortana.plugins.memorylocal.Learning.Decision.Kind;
import org.junit.jupiter.api.Test;

/** How the model's answers are read: facts one per line; decisions only about the numbers it was shown. */
class LearningTest {

    @Test
    void extractedFactsLoseTheirBulletsAndNoneMeansNothing() {
        assertThat(Learning.facts("- Lives in Porto\n2. Has a beagle named Pimenta\n\n- lives in porto\n"))
                .containsExactly("Lives in Porto", "Has a beagle named Pimenta");
        assertThat(Learning.facts("NONE")).isEmpty();
    }

    @Test
    void aDecisionAboutANumberThatWasNotShownIsDropped() {
        assertThat(Learning.decisions("UPDATE 2: Lives in Porto\nDELETE 7\nDELETE 1\nKEEP 2\nADD: Has a cat", 2))
                .containsExactly(new Decision(Kind.UPDATE, 2, "Lives in Porto"), new Decision(Kind.DELETE, 1, ""),
                        new Decision(Kind.ADD, 0, "Has a cat"));
        assertThat(Learning.decisions("UPDATE 1: Lives in Porto\nDELETE 1", 1))
                .containsExactly(new Decision(Kind.UPDATE, 1, "Lives in Porto"));
    }

    @Test
    void theDecisionPromptShowsStoredFactsUnderSmallNumbersOnly() {
        String prompt = Learning.decisionPrompt(java.util.List.of("Lives in Lisbon", "Has a car"), java.util.List.of("Lives in Porto"));
        assertThat(prompt).contains("1. Lives in Lisbon\n2. Has a car\n").contains("New facts:\n- Lives in Porto\n");
    }

    @Test
    void aModelThatAnswersWithThePromptOrTheConversationTeachesNothing() {
        String conversation = "User: remind me in a minute to call mom\nAssistant: Reminder 1 set for 16:44";
        assertThat(Learning.facts("ECHO: " + Learning.extractionPrompt(conversation))).isEmpty();
        assertThat(Learning.facts(conversation)).isEmpty();
        assertThat(Learning.facts("- <fact>\n- " + "a very long paragraph ".repeat(20))).isEmpty();
        assertThat(Learning.decisions(Learning.decisionPrompt(java.util.List.of("Lives in Lisbon"),
                java.util.List.of("Lives in Porto")), 1)).isEmpty();
        assertThat(Learning.decisions("ADD: <fact>\nUPDATE 1: User: hello", 1)).isEmpty();
    }
}
