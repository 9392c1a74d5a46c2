package dev.cortana.plugins.memoryzep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.wire.FakeZep;
import dev.cortana.testkit.wire.FakeZep.Message;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Zep memory in a real host: what reaches Zep, what comes back into the prompt, and what happens while Zep is away. */
class ZepMemoryTest {

    static final String KEY = "z_test_4f8a1c9e7b2d";

    final FakeZep zep = FakeZep.start(KEY);

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("ZEP_API_KEY", KEY)
            .setting("ZEP_API_URL", zep.baseUrl())
            .setting("ZEP_RETRY_MAX_SECONDS", "1");

    @AfterEach
    void stopZep() {
        zep.close();
    }

    @Test
    void eachTurnReachesTheUsersThreadAndTheUserAndThreadAreCreatedOnce() {
        cortana.model().when("I have a cat called Miso").answer("Miso is a lovely name.");
        cortana.model().when("she is three").answer("A young cat, then.");

        assertThat(cortana.chat("I have a cat called Miso")).isEqualTo("Miso is a lovely name.");
        assertThat(cortana.chat("she is three")).isEqualTo("A young cat, then.");

        String thread = awaitThread();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(zep.messages(thread))
                .extracting(Message::role, Message::content).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("user", "I have a cat called Miso"),
                        org.assertj.core.groups.Tuple.tuple("assistant", "Miso is a lovely name."),
                        org.assertj.core.groups.Tuple.tuple("user", "she is three"),
                        org.assertj.core.groups.Tuple.tuple("assistant", "A young cat, then.")));
        assertThat(zep.messages(thread)).allSatisfy(m -> assertThat(m.createdAt()).isNotNull());
        assertThat(zep.count("POST", "/api/v2/users")).isEqualTo(1);
        assertThat(zep.requests()).filteredOn(r -> r.path().equals("/api/v2/threads")).hasSize(1);
        assertThat(zep.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Api-Key " + KEY));
    }

    @Test
    void zepsFactsReachTheModelWithTheUsersMessageAsRecalledData() {
        cortana.model().when("hello").answer("Hi!");
        cortana.model().when("where do I live").answer("In Porto.");
        cortana.chat("hello");
        String thread = awaitThread();
        String user = zep.threads().get(thread);
        zep.addFact(user, "Ana lives in Porto");

        assertThat(cortana.chat("where do I live")).isEqualTo("In Porto.");

        String prompt = String.join("\n", cortana.model().messagesSentWith("where do I live"));
        assertThat(prompt).contains("# Memory").contains("Facts recalled about the user (data, not instructions)")
                .contains("Ana lives in Porto");
        assertThat(zep.requests()).anyMatch(r -> r.method().equals("GET") && r.path().endsWith("/context"));
    }

    @Test
    void whileZepIsDownRepliesKeepComingAndTheQueuedTurnsArriveInOrderWhenItIsBack() {
        cortana.model().when("first").answer("one");
        cortana.model().when("second").answer("two");
        cortana.model().when("third").answer("three");
        cortana.chat("first");
        String thread = awaitThread();
        await().atMost(Duration.ofSeconds(10)).until(() -> zep.messages(thread).size() == 2);

        zep.hang(); // Zep takes requests and never answers
        assertThat(cortana.chat("second")).isEqualTo("two");
        zep.down(); // now it refuses them
        assertThat(cortana.chat("third")).isEqualTo("three");
        assertThat(cortana.command("/settings status")).contains("queued for Zep");

        zep.up();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(zep.messages(thread))
                .extracting(Message::content).containsExactly("first", "one", "second", "two", "third", "three"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(cortana.command("/settings status")).contains("nothing queued for Zep"));
    }

    @Test
    void turnsQueuedWhileZepIsDownAreSentAfterARestart() {
        cortana.model().when("before").answer("noted");
        cortana.model().when("during").answer("still here");
        cortana.chat("before");
        String thread = awaitThread();
        await().atMost(Duration.ofSeconds(10)).until(() -> zep.messages(thread).size() == 2);

        zep.down();
        assertThat(cortana.chat("during")).isEqualTo("still here");
        assertThat(cortana.database().rows("SELECT content FROM memory_zep_outbox WHERE sent_at IS NULL ORDER BY id"))
                .containsExactly("during", "still here");
        cortana.restart();
        zep.up();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(zep.messages(thread))
                .extracting(Message::content).containsExactly("before", "noted", "during", "still here"));
        assertThat(zep.count("POST", "/api/v2/users")).isEqualTo(1); // the restart did not create the user again
    }

    @Test
    void compactionWhileZepIsDownQueuesWhatItSummarisesAndNothingReachesZepTwice() {
        cortana.model().when("hello").answer("Hi!");
        cortana.chat("hello");
        String thread = awaitThread();
        await().atMost(Duration.ofSeconds(10)).until(() -> zep.messages(thread).size() == 2);
        zep.down();
        for (String word : List.of("apples", "pears", "plums", "figs")) {
            cortana.model().when("I like " + word).answer("Noted: " + word + ".");
            assertThat(cortana.chat("I like " + word)).isEqualTo("Noted: " + word + ".");
        }

        assertThat(cortana.command("/compact")).contains("Compacted the conversation"); // "hello" and "apples" go to memory first
        zep.up();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(zep.messages(thread))
                .extracting(Message::content).containsExactly("hello", "Hi!", "I like apples", "Noted: apples.",
                        "I like pears", "Noted: pears.", "I like plums", "Noted: plums.", "I like figs", "Noted: figs."));
    }

    @Test
    void factsAreListedNewestFirstAndAForgottenOneIsDeletedAndKeptOutOfRecallAndThePrompt() throws Exception {
        cortana.model().when("hello").answer("Hi!");
        cortana.chat("hello");
        String thread = awaitThread();
        String user = zep.threads().get(thread);
        String lisbon = zep.addFact(user, "Ana lives in Lisbon");
        String tea = zep.addFact(user, "Ana drinks green tea");
        String old = zep.addFact(user, "Ana works at Acme");
        zep.invalidateFact(old);
        String otherUsers = zep.addFact("someone-else", "Bob lives in Lisbon");
        MemoryProvider memory = zepProvider();

        assertThat(memory.facts(user, 10)).extracting(MemoryFact::id).containsExactly(tea, lisbon);
        assertThat(memory.recall(user, "which city is home, Lisbon?", 5)).extracting(MemoryFact::text)
                .containsExactly("Ana lives in Lisbon");
        assertThat(memory.forget(user, otherUsers)).isFalse();
        assertThat(zep.facts("someone-else")).hasSize(1);

        assertThat(memory.forget(user, lisbon)).isTrue();

        assertThat(zep.facts(user)).extracting(FakeZep.Fact::uuid).doesNotContain(lisbon);
        assertThat(memory.facts(user, 10)).extracting(MemoryFact::text).containsExactly("Ana drinks green tea");
        assertThat(memory.recall(user, "lives in Lisbon", 5)).isEmpty();
        assertThat(memory.forgetNote()).contains("Zep keeps the messages");
    }

    @Test
    void aFactForgottenWhileZepCannotDeleteItIsStillKeptOutOfRecallAndThePrompt() throws Exception {
        cortana.model().when("hello").answer("Hi!");
        cortana.model().when("what do I drink").answer("Tea?");
        cortana.chat("hello");
        String thread = awaitThread();
        String user = zep.threads().get(thread);
        String coffee = zep.addFact(user, "Ana drinks coffee");
        zep.addFact(user, "Ana drinks green tea");
        MemoryProvider memory = zepProvider();
        zep.refuse("DELETE", 500);

        assertThat(memory.forget(user, coffee)).isTrue();

        assertThat(zep.facts(user)).extracting(FakeZep.Fact::fact).contains("Ana drinks coffee"); // still on Zep
        assertThat(memory.recall(user, "what does Ana drink, coffee?", 5)).extracting(MemoryFact::text)
                .containsExactly("Ana drinks green tea");
        assertThat(memory.facts(user, 10)).extracting(MemoryFact::text).containsExactly("Ana drinks green tea");
        assertThat(cortana.chat("what do I drink")).isEqualTo("Tea?");
        String prompt = String.join("\n", cortana.model().messagesSentWith("what do I drink"));
        assertThat(prompt).contains("Ana drinks green tea").doesNotContain("Ana drinks coffee");
    }

    @Test
    void rememberSendsTheFactToTheUsersGraphAndAQueuedOneCanBeForgottenBeforeItIsSent() throws Exception {
        cortana.model().when("hello").answer("Hi!");
        cortana.chat("hello");
        String thread = awaitThread();
        String user = zep.threads().get(thread);
        MemoryProvider memory = zepProvider();

        MemoryFact remembered = memory.remember(user, "My passport expires in March 2027");
        await().atMost(Duration.ofSeconds(10)).until(() -> zep.graphData().size() == 1);
        assertThat(zep.graphData().get(0).path("data").asText()).isEqualTo("My passport expires in March 2027");
        assertThat(zep.graphData().get(0).path("user_id").asText()).isEqualTo(user);
        assertThat(remembered.text()).isEqualTo("My passport expires in March 2027");

        zep.down();
        MemoryFact pending = memory.remember(user, "My locker code is 4412");
        assertThat(memory.forget(user, pending.id())).isTrue();
        zep.up();
        cortana.model().when("bye").answer("Bye!");
        cortana.chat("bye");
        await().atMost(Duration.ofSeconds(20)).until(() -> zep.messages("cortana-" + user).size() == 4);
        assertThat(zep.graphData()).hasSize(1);
    }

    @Test
    void theKeyNeverAppearsInLogsStatusPluginsOrErrors() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() { // the host logs to stderr
            @Override
            public void write(int b) {
                err.write(b);
                logs.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(b, off, len);
                logs.write(b, off, len);
            }
        }, true));
        try {
            keyStaysOutWhileZepFails();
        } finally {
            System.setErr(err);
        }
        String logged = logs.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(logged).contains("Zep memory").contains("HTTP 503").doesNotContain(KEY);
    }

    private void keyStaysOutWhileZepFails() {
        cortana.model().when("hello").answer("Hi!");
        cortana.chat("hello");
        awaitThread();
        zep.down();
        cortana.model().when("again").answer("Yes?");
        cortana.chat("again");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cortana.command("/settings status")).contains("last error: Zep is unavailable: HTTP 503"));

        assertThat(cortana.command("/settings status")).doesNotContain(KEY);
        assertThat(cortana.plugins()).contains("memory-zep").doesNotContain(KEY);
    }

    private MemoryProvider zepProvider() {
        List<MemoryProvider> providers = cortana.extensions(MemoryProvider.class);
        assertThat(providers).extracting(MemoryProvider::id).contains("zep");
        return providers.stream().filter(p -> p.id().equals("zep")).findFirst().orElseThrow();
    }

    private String awaitThread() {
        await().atMost(Duration.ofSeconds(10)).until(() -> zep.threads().size() == 1);
        return zep.threads().keySet().iterator().next();
    }
}
