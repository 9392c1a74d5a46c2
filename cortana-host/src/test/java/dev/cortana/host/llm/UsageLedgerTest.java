package dev.cortana.host.llm;

import static dev.cortana.host.llm.KeyRotationTest.KEY_A;
import static dev.cortana.host.llm.KeyRotationTest.KEY_B;
import static dev.cortana.host.llm.KeyRotationTest.fp;
import static dev.cortana.host.llm.KeyRotationTest.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The key usage file: what it records, that it outlives a restart, and that it never holds a raw key. */
class UsageLedgerTest {

    @TempDir
    Path dir;

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void tearDown() {
        openAi.close();
    }

    private Path ledgerFile() {
        return dir.resolve("key_usage.json");
    }

    private ModelRouter router(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY_1", KEY_A, "OPENAI_API_KEY_2", KEY_B,
                "OPENAI_API_BASE", openAi.baseUrl(), "ROTATOR_ROTATION_TOLERANCE", "0"));
        env.putAll(extra);
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        Config config = Config.of(env);
        return new ModelRouter(() -> providers, () -> 1L, config, RotationSettings.from(config, dir), Clock.systemUTC());
    }

    private ModelRouter router() {
        return router(Map.of());
    }

    @Test
    void theLedgerCountsRequestsAndTokensPerKeyFingerprintAndModel() throws IOException {
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(30)));
        openAi.forKey(KEY_B).enqueue(Reply.text("ok"));
        try (ModelRouter router = router()) {
            router.chat("openai/gpt-4o", hello());
        }

        JsonNode ledger = json.readTree(ledgerFile().toFile());
        JsonNode served = ledger.path(fp(KEY_B)).path("models").path("gpt-4o");
        assertThat(served.path("requests").asLong()).isEqualTo(1);
        assertThat(served.path("successes").asLong()).isEqualTo(1);
        assertThat(served.path("promptTokens").asLong()).isPositive();
        assertThat(served.path("completionTokens").asLong()).isPositive();
        assertThat(served.path("day").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        JsonNode limited = ledger.path(fp(KEY_A)).path("models").path("gpt-4o");
        assertThat(limited.path("failures").asLong()).isEqualTo(1);
        assertThat(limited.path("lastError").asText()).isEqualTo("RATE_LIMIT");
        assertThat(limited.path("cooldownUntil").asText()).isNotEmpty();
    }

    @Test
    void todaysInputAndOutputTokensSurviveARestart() {
        openAi.forKey(KEY_A).enqueue(Reply.text("first").withUsage(1_200, 30));
        openAi.forKey(KEY_B).enqueue(Reply.text("second").withUsage(1_500, 20));
        dev.cortana.host.llm.rotation.KeyStatus.TokensToday before;
        try (ModelRouter router = router()) {
            router.chat("openai/gpt-4o", hello());
            router.chat("openai/gpt-4o", hello());
            before = router.status("openai/gpt-4o").get(0).keys().stream().map(k -> k.today())
                    .reduce(dev.cortana.host.llm.rotation.KeyStatus.TokensToday.NONE,
                            dev.cortana.host.llm.rotation.KeyStatus.TokensToday::plus);
        }

        try (ModelRouter restarted = router()) {
            assertThat(before.input()).isEqualTo(2_700);
            assertThat(before.output()).isEqualTo(50);
            assertThat(restarted.status("openai/gpt-4o").get(0).keys().stream().map(k -> k.today())
                    .reduce(dev.cortana.host.llm.rotation.KeyStatus.TokensToday.NONE,
                            dev.cortana.host.llm.rotation.KeyStatus.TokensToday::plus)).isEqualTo(before);
        }
    }

    @Test
    void aRestartKeepsACooldown() {
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(300)));
        openAi.forKey(KEY_B).enqueue(Reply.text("first"), Reply.text("after restart"));
        try (ModelRouter router = router()) {
            router.chat("openai/gpt-4o", hello());
        }

        try (ModelRouter restarted = router()) {
            assertThat(restarted.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("after restart");
            assertThat(restarted.status("openai/gpt-4o").get(0).keys().get(0).coolingUntil()).isPresent();
        }
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B, KEY_B);
    }

    @Test
    void aLedgerOfItsOwnCutShortIsMovedAsideAndAFreshOneStarts() throws IOException {
        openAi.forKey(KEY_A).enqueue(Reply.text("first"), Reply.text("still answers"));
        try (ModelRouter router = router()) {
            router.chat("openai/gpt-4o", hello());
        }
        String whole = Files.readString(ledgerFile());
        String cutShort = whole.substring(0, whole.length() / 2);
        Files.writeString(ledgerFile(), cutShort);

        try (ModelRouter router = router()) {
            assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("still answers");
        }

        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("key_usage.json.corrupt-"))
                    .findFirst().orElseThrow();
            assertThat(Files.readString(aside)).isEqualTo(cutShort);
        }
        assertThat(json.readTree(ledgerFile().toFile()).has(fp(KEY_A))).isTrue();
    }

    @Test
    void anOlderLedgerWithoutTheMarkerIsStillReadAndCutShortStillCountsAsItsOwn() throws IOException {
        String older = "{\n  \"" + fp(KEY_A) + "\" : {\n    \"provider\" : \"openai\",\n    \"keyCooldownUntil\" : \""
                + java.time.Instant.now().plusSeconds(600) + "\",\n    \"models\" : { }\n  }\n}";
        Files.writeString(ledgerFile(), older);
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        try (ModelRouter router = router()) {
            assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("from B");
        }
        assertThat(json.readTree(ledgerFile().toFile()).path("$format").asText()).isEqualTo("cortana-key-usage/1");

        Files.writeString(ledgerFile(), older.substring(0, 60));
        router().close();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("key_usage.json.corrupt-"));
        }
    }

    @Test
    void aLedgerPathOnTheIdentityFileStopsStartUpAndLeavesTheFileAsItWas() throws IOException {
        Path identity = dir.resolve("IDENTITY.md");
        Files.writeString(identity, "# Identity\nYou are Cortana.\n");

        Throwable refused = catchThrowable(() -> router(Map.of("ROTATOR_USAGE_FILE_PATH", identity.toString())));

        assertThat(refused).isInstanceOf(dev.cortana.host.config.ConfigException.class).hasMessage(
                "ROTATOR_USAGE_FILE_PATH='" + identity + "' is not valid: expected the key usage file Cortana writes "
                        + "(JSON), or a path where it may create one; it is not JSON, so Cortana leaves it alone");
        assertThat(Files.readString(identity)).isEqualTo("# Identity\nYou are Cortana.\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("IDENTITY.md");
        }
    }

    @Test
    void anotherProgramsJsonAFolderOrADeviceIsRefusedToo() throws IOException {
        Path packageJson = dir.resolve("package.json");
        Files.writeString(packageJson, "{\"name\": \"my-app\", \"version\": \"1.0.0\"}");
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        Path notes = dir.resolve("NOTES.md");
        Files.writeString(notes, "The ledger is marked \"$format\": \"cortana-key-usage/1\".\n");

        assertThat(catchThrowable(() -> router(Map.of("ROTATOR_USAGE_FILE_PATH", packageJson.toString()))))
                .hasMessageEndingWith("it is JSON of another shape, so Cortana leaves it alone");
        assertThat(catchThrowable(() -> router(Map.of("ROTATOR_USAGE_FILE_PATH", folder.toString()))))
                .hasMessageEndingWith("it is a folder, so Cortana leaves it alone");
        if (Files.exists(Path.of("/dev/full"))) {
            assertThat(catchThrowable(() -> router(Map.of("ROTATOR_USAGE_FILE_PATH", "/dev/full"))))
                    .hasMessageStartingWith("ROTATOR_USAGE_FILE_PATH='/dev/full' is not valid")
                    .hasMessageEndingWith("it is not a regular file, so Cortana leaves it alone");
        }
        assertThat(catchThrowable(() -> router(Map.of("ROTATOR_USAGE_FILE_PATH", notes.toString()))))
                .hasMessageEndingWith("it is not JSON, so Cortana leaves it alone");
        assertThat(Files.readString(notes)).contains("cortana-key-usage/1");
        assertThat(Files.readString(packageJson)).isEqualTo("{\"name\": \"my-app\", \"version\": \"1.0.0\"}");
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void rawKeysAppearNowhereInTheLedgerLogsOrReplies() throws IOException {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        // A proxy that echoes the key in its error body: the user must still never see it.
        openAi.forKey(KEY_A).enqueue(Reply.openAiError(401, "invalid_request_error", "invalid_api_key",
                "Incorrect API key provided: " + KEY_A));
        openAi.forKey(KEY_B).enqueue(Reply.openAiError(400, "invalid_request_error", null, "bad request for key " + KEY_B));
        Throwable error;
        try (ModelRouter router = router()) {
            error = catchThrowable(() -> router.chat("openai/gpt-4o", hello()));
        } finally {
            root.detachAppender(logs);
        }

        StringBuilder everything = new StringBuilder(error.getMessage());
        for (ILoggingEvent event : logs.list) {
            everything.append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                everything.append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        everything.append(Files.readString(ledgerFile()));
        assertThat(everything.toString()).contains(fp(KEY_A)).doesNotContain(KEY_A, KEY_B);
    }

    @Test
    void legacySingleKeyModeUsesLlmApiKeyWithoutRotationOrLedger() {
        openAi.forKey("sk-legacy-key-00000000000000009").enqueue(Reply.rateLimited(Duration.ofSeconds(60)),
                Reply.text("legacy answer"));
        try (ModelRouter router = router(Map.of("ENABLE_ROTATOR", "false", "LLM_API_KEY", "sk-legacy-key-00000000000000009"))) {
            assertThat(catchThrowable(() -> router.chat("openai/gpt-4o", hello()))).isInstanceOf(LlmUnavailableException.class);
            // No rest in legacy mode: the next message tries the one key again.
            assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("legacy answer");
        }
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey)
                .containsOnly("sk-legacy-key-00000000000000009");
        assertThat(ledgerFile()).doesNotExist();
    }

    @Test
    void aLoneLlmApiKeyIsAOneKeyPool() {
        openAi.enqueue(Reply.text("from the lone key"));
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        Config config = Config.of(Map.of("LLM_API_KEY", "sk-lone-key-000000000000000008", "OPENAI_API_BASE", openAi.baseUrl()));
        try (ModelRouter router = new ModelRouter(() -> providers, () -> 1L, config, RotationSettings.from(config, dir),
                Clock.systemUTC())) {
            assertThat(router.chat("gpt-4o", hello()).aiMessage().text()).isEqualTo("from the lone key");
            assertThat(router.status("openai/gpt-4o").get(0).keys()).hasSize(1);
        }
        assertThat(openAi.lastRequest().apiKey()).isEqualTo("sk-lone-key-000000000000000008");
    }

    @Test
    void whenTheProviderIsExhaustedTheFallbackModelAnswersAndTheReplySaysSo() {
        try (FakeOpenAi backup = FakeOpenAi.start()) {
            openAi.rejectKey(KEY_A).rejectKey(KEY_B);
            backup.enqueue(Reply.text("backup answer"));
            Config config = Config.of(Map.of("OPENAI_API_KEY_1", KEY_A, "OPENAI_API_KEY_2", KEY_B,
                    "OPENAI_API_BASE", openAi.baseUrl(), "BACKUP_API_KEY", "sk-backup-key-00000000000007",
                    "BACKUP_API_BASE", backup.baseUrl(), "LLM_FALLBACK_MODELS", "backup/small-model"));
            List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"), new LoopbackOpenAiProvider("backup"));
            try (ModelRouter router = new ModelRouter(() -> providers, () -> 1L, config,
                    RotationSettings.from(config, dir), Clock.systemUTC())) {
                String answer = router.chat("openai/gpt-4o", hello()).aiMessage().text();

                assertThat(answer).isEqualTo("_(openai/gpt-4o is unavailable right now; this answer comes from "
                        + "backup/small-model.)_\n\nbackup answer");
            }
            assertThat(backup.lastRequest().body().path("model").asText()).isEqualTo("small-model");
        }
    }

    @Test
    void concurrentMessagesAreAllAnsweredWhileOneKeyIsRateLimited() throws Exception {
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(60)));
        openAi.respondWith(request -> Reply.text("ok"));
        try (ModelRouter router = router(Map.of("ROTATOR_ROTATION_TOLERANCE", "2"))) {
            List<java.util.concurrent.Callable<String>> calls = java.util.Collections.nCopies(16,
                    () -> router.chat("openai/gpt-4o", hello()).aiMessage().text());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (java.util.concurrent.Future<String> result : pool.invokeAll(calls)) {
                    assertThat(result.get()).isEqualTo("ok");
                }
            } finally {
                pool.shutdownNow();
            }
            // Sixteen answers and exactly one extra request: the single 429, failed over once.
            assertThat(openAi.chatRequests()).hasSize(17);
        }
    }
}
