package dev.cortana.host.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.Approvals;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Approval questions on the console: who may answer them, depending on where input comes from. */
class ConsoleApprovalsTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

    @Test
    void pipedInputWithNoTerminalIsDeniedAtOnceSayingWhy() {
        ConsoleChannel console = new ConsoleChannel(null, null, "console", out, false, false, Optional::empty);

        Approvals.Decision decision = console.askApproval("Run this command?\n`rm -rf build`", Duration.ofSeconds(60));

        assertThat(decision).isEqualTo(Approvals.Decision.DENIED);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("Approval needed: Run this command?\n`rm -rf build`\n"
                + "Denied: approvals need a terminal or Discord; input is piped.\n");
    }

    @Test
    void pipedInputWithATerminalAsksThereAndALineTypedBeforeTheQuestionDoesNotAnswerIt() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PipedInputStream keyboard = new PipedInputStream(typing);
        ApprovalTerminal terminal = new ApprovalTerminal(keyboard, screen);
        typing.write("y\n".getBytes(StandardCharsets.UTF_8)); // typed before anything was asked
        typing.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> keyboard.available() == 0); // read in: typed ahead
        ConsoleChannel console = new ConsoleChannel(null, null, "console", out, false, false, () -> Optional.of(terminal));

        CompletableFuture<Approvals.Decision> decision = CompletableFuture.supplyAsync(
                () -> console.askApproval("Run this command?", Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> screen.toString(StandardCharsets.UTF_8).contains("Allow?"));
        assertThat(decision).isNotDone();
        typing.write("n\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();

        assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(Approvals.Decision.DENIED);
        assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo(
                "Approval needed: Run this command?\nAllow? [y/N] (answer within 30 s)\nDenied.\n");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aTerminalThatCannotBeOpenedIsNone() {
        assertThat(ApprovalTerminal.open(java.nio.file.Path.of("/nonexistent/tty"))).isEmpty();
    }
}
