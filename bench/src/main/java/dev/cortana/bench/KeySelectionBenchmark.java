package dev.cortana.bench;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.host.llm.rotation.CooldownPolicy;
import dev.cortana.host.llm.rotation.KeyPool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 3 target: at least 1,000,000 key selections per second on one thread with 10 keys, some of them used and
 * one resting.
 *
 * <p>{@code java -jar bench/target/cortana-bench.jar KeySelectionBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeySelectionBenchmark {

    @Param({"0", "2"})
    public double tolerance;

    private KeyPool pool;
    private final Instant now = Instant.parse("2026-11-25T12:00:00Z");

    @Setup
    public void setUp() {
        List<LlmCredential> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add(new LlmCredential("openai", "sk-bench-key-" + i + "-0000000000", Optional.empty()));
        }
        pool = new KeyPool("openai", keys, tolerance, new CooldownPolicy(), Map.of(), () -> { });
        for (int i = 0; i < 10; i++) {
            for (int n = 0; n < i; n++) {
                pool.recordSuccess(keys.get(i), "gpt-4o", 100, 10, now);
            }
        }
        pool.recordFailure(keys.get(3), "gpt-4o", new dev.cortana.api.llm.LlmFailure(
                dev.cortana.api.llm.LlmFailure.Kind.RATE_LIMIT, Optional.empty(), "429"), now);
    }

    @Benchmark
    public Optional<LlmCredential> select() {
        return pool.select("gpt-4o", Set.of(), now);
    }
}
