package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The terminal an approval question goes to when the console's standard input is piped: the controlling terminal
 * ({@code /dev/tty}), the way {@code sudo} and {@code ssh} ask for a password under a pipe. Piped input lines never
 * answer a question; they stay messages. Lines typed on the terminal before a question is asked are discarded, so
 * a stray {@code y} typed earlier cannot approve a command nobody has read.
 */
public final class ApprovalTerminal {

    /** The controlling terminal on Linux and other Unix systems. */
    public static final Path CONTROLLING_TERMINAL = Path.of("/dev/tty");

    private final PrintStream out;
    private final ConsoleInput input = new ConsoleInput();

    /** A terminal over {@code in} and {@code out}; reading starts at once, on a daemon thread. */
    public ApprovalTerminal(InputStream in, OutputStream out) {
        this.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        input.startReading(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "approval-terminal");
    }

    /** The terminal at {@code device}, or empty when there is none to open (no controlling terminal: a service, cron). */
    public static Optional<ApprovalTerminal> open(Path device) {
        if (!Files.exists(device)) {
            return Optional.empty();
        }
        try {
            FileInputStream in = new FileInputStream(device.toFile());
            try {
                return Optional.of(new ApprovalTerminal(in, new FileOutputStream(device.toFile())));
            } catch (IOException e) {
                in.close();
                return Optional.empty();
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether standard input is a terminal (Linux: where {@code /proc/self/fd/0} points), as far as can be told. */
    public static boolean standardInputIsTerminal() {
        if (System.console() != null) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Asks on the terminal: {@code y} or {@code yes} approves, anything else denies, nothing in time is TIMED_OUT. */
    Approvals.Decision ask(String question, Duration timeout) throws InterruptedException {
        input.discardQueued();
        out.println("Approval needed: " + question + "\nAllow? [y/N] (answer within " + timeout.toSeconds() + " s)");
        try {
            Optional<String> answer = input.answer(timeout);
            boolean yes = answer.map(a -> a.strip().toLowerCase(Locale.ROOT))
                    .filter(a -> a.equals("y") || a.equals("yes")).isPresent();
            out.println(yes ? "Approved." : "Denied.");
            return yes ? Approvals.Decision.APPROVED : Approvals.Decision.DENIED;
        } catch (TimeoutException e) {
            out.println("No answer in time: not allowed.");
            return Approvals.Decision.TIMED_OUT;
        }
    }
}
