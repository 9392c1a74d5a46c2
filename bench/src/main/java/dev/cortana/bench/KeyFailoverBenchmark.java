package dev.cortana.bench;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 3 targets, over real HTTP to a loopback OpenAI fake with the real LangChain4j client:
 * <ul>
 *   <li>failover overhead: a message whose first key gets 429 and whose second answers, against a message answered
 *       at once (target: medians within 2 ms);</li>
 *   <li>ledger cost on the request path: the same message with the usage ledger on and off.</li>
 * </ul>
 * A settable clock jumps an hour between samples so the rate-limited key has rested and is picked first again.
 *
 * <p>{@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.KeyFailoverBenchmark [warmup] [samples]}
 */
public final class KeyFailoverBenchmark {

    private static final String KEY_A = "sk-bench-failover-a-000000001";
    private static final String KEY_B = "sk-bench-failover-b-000000002";

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path dir = Files.createTempDirectory("cortana-bench-failover");
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.forKey(KEY_A).respondWith(request -> Reply.rateLimited(Duration.ofSeconds(20)));
            openAi.respondWith(request -> Reply.text("ok"));
            SteppingClock clock = new SteppingClock();
            try (ModelRouter direct = router(openAi, clock, Optional.empty(), KEY_B);
                 ModelRouter failover = router(openAi, clock, Optional.empty(), KEY_A, KEY_B);
                 ModelRouter ledgered = router(openAi, clock, Optional.of(dir.resolve("key_usage.json")), KEY_B)) {
                for (int i = 0; i < warmup; i++) {
                    measure(direct, clock);
                    measure(failover, clock);
                    measure(ledgered, clock);
                }
                double[] atOnce = new double[samples];
                double[] failedOver = new double[samples];
                double[] withLedger = new double[samples];
                for (int i = 0; i < samples; i++) { // interleaved so drift hits all three alike
                    atOnce[i] = measure(direct, clock);
                    failedOver[i] = measure(failover, clock);
                    withLedger[i] = measure(ledgered, clock);
                }
                Stats a = Stats.of(atOnce);
                Stats f = Stats.of(failedOver);
                Stats l = Stats.of(withLedger);
                System.out.println("answered at once (ledger off):          " + a.format("ms"));
                System.out.println("first key 429, second answers:          " + f.format("ms"));
                System.out.printf("failover overhead (median difference):  %.3f ms%n", f.median() - a.median());
                System.out.println("answered at once (ledger on):           " + l.format("ms"));
                System.out.printf("ledger cost on the request path:        %.3f ms%n", l.median() - a.median());
            }
        }
    }

    private static double measure(ModelRouter router, SteppingClock clock) {
        clock.advance(Duration.ofHours(1));
        long start = System.nanoTime();
        String text = router.chat("openai/gpt-4o", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                .aiMessage().text();
        double millis = (System.nanoTime() - start) / 1e6;
        if (!"ok".equals(text)) {
            throw new IllegalStateException("unexpected answer " + text);
        }
        return millis;
    }

    private static ModelRouter router(FakeOpenAi openAi, Clock clock, Optional<Path> ledger, String... keys) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            env.put("OPENAI_API_KEY_" + (i + 1), keys[i]);
        }
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        List<LlmProvider> providers = List.of(new LoopbackProvider());
        return new ModelRouter(() -> providers, () -> 1L, Config.of(env),
                new RotationSettings(true, 0, 1, Duration.ofSeconds(30), ledger, List.of()), clock);
    }

    /** A clock the benchmark moves forward between samples (cooldowns expire without waiting). */
    private static final class SteppingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class LoopbackProvider implements LlmProvider {
        @Override
        public String id() {
            return "openai";
        }

        /** As the provider plugins do: one model(ModelSetup), through the host's header-reading client and timeout. */
        @Override
        public ModelClient model(ModelSetup setup) {
            return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http())
                    .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                    .timeout(setup.requestTimeout()).maxRetries(0).build());
        }
    }
}
