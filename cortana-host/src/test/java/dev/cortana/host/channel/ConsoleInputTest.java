package dev.cortana.host.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ConsoleInputTest {

    private final ConsoleInput input = new ConsoleInput();

    @Test
    void aLineTypedWhileAQuestionWaitsAnswersItAndIsNotAMessage() throws Exception {
        CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
        Thread asker = new Thread(() -> {
            try {
                answer.complete(input.answer(Duration.ofSeconds(30)));
            } catch (Exception e) {
                answer.completeExceptionally(e);
            }
        });
        asker.start();
        while (asker.getState() != Thread.State.TIMED_WAITING && !answer.isDone()) {
            Thread.onSpinWait();
        }

        input.offer("y");
        input.offer("next message");
        input.end();

        assertThat(answer.get(5, TimeUnit.SECONDS)).contains("y");
        assertThat(input.nextLine()).contains("next message");
        assertThat(input.nextLine()).isEmpty();
    }

    @Test
    void aLineAlreadyQueuedAnswersTheNextQuestionInOrder() throws Exception {
        input.offer("yes");
        input.offer("after");

        assertThat(input.answer(Duration.ofSeconds(1))).contains("yes");
        assertThat(input.nextLine()).contains("after");
    }

    @Test
    void noLineInTimeIsATimeout() {
        assertThatThrownBy(() -> input.answer(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
    }

    @Test
    void endOfInputAnswersNothing() throws Exception {
        input.end();

        assertThat(input.answer(Duration.ofSeconds(1))).isEmpty();
    }
}
