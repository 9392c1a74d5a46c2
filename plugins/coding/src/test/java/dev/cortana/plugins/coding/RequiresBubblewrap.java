package dev.cortana.plugins.coding;

import dev.cortana.testkit.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the annotated tests only where the bubblewrap sandbox works (bwrap on {@code PATH}, and a trivial sandboxed
 * command succeeds). Elsewhere they are skipped with the reason, except with {@code CI=true}: there they fail, as CI
 * must test the sandbox ({@code .ci/run} installs bubblewrap).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresBubblewrap.Condition.class)
@interface RequiresBubblewrap {

    final class Condition implements ExecutionCondition {

        /** Empty when the sandbox works; else why not. Probed once per test JVM. */
        private static volatile Optional<String> problem;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> why = problem();
            if (why.isEmpty()) {
                return ConditionEvaluationResult.enabled("bubblewrap works here");
            }
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("The execute_bash sandbox must be tested in CI (CI=true), but " + why.get()
                        + ". .ci/run installs bubblewrap; inside a container, see the README's Docker section.");
            }
            return ConditionEvaluationResult.disabled("Sandbox tests skipped: " + why.get()
                    + " (install bubblewrap to run them; with CI=true they fail instead)");
        }

        private static synchronized Optional<String> problem() {
            if (problem == null) {
                Optional<Path> bwrap = BashSandbox.find(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
                if (bwrap.isEmpty()) {
                    problem = Optional.of("bwrap (bubblewrap) is not installed");
                } else {
                    try {
                        Path dir = Files.createTempDirectory("cortana-bwrap-probe");
                        try (TestContext context = TestContext.builder().workspace(dir).build()) {
                            problem = new BashSandbox(bwrap.get(), context.workspace(), true).probe(System.getenv())
                                    .map(failure -> "bubblewrap does not work here: " + failure);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return problem;
        }
    }
}
