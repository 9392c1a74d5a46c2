package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.commands.CommandRouter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The console: each line from standard input is a DM from the master user, {@code /}-lines are commands, replies go
 * to standard output. Lines are handled strictly in order, each reply printed before the next line is read, so
 * piped input behaves like a conversation.
 */
public final class ConsoleChannel implements MasterChannel {

    private final Agent agent;
    private final CommandRouter commands;
    private final String userId;
    private final PrintStream out;
    private final boolean interactive;
    private final ConsoleInput input = new ConsoleInput();
    private final Object approvalTurn = new Object();

    public ConsoleChannel(Agent agent, CommandRouter commands, String userId, PrintStream out, boolean interactive) {
        this.agent = agent;
        this.commands = commands;
        this.userId = userId;
        this.out = out;
        this.interactive = interactive;
    }

    /** Reads until end of input. */
    public void run(BufferedReader in) throws IOException {
        input.startReading(in);
        prompt();
        while (true) {
            Optional<String> line;
            try {
                line = input.nextLine();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (line.isEmpty()) {
                break;
            }
            String text = line.get().strip();
            if (!text.isEmpty()) {
                String reply = CommandRouter.isCommand(text) ? commands.run(userId, text) : agent.reply(userId, text);
                print(reply);
            }
            prompt();
        }
        if (interactive) {
            synchronized (out) {
                out.println();
                out.flush();
            }
        }
    }

    /**
     * Prints the question and takes the next input line as the answer: {@code y} or {@code yes} approves, anything
     * else denies; no line within {@code timeout} is TIMED_OUT. One question at a time, so answers cannot cross.
     */
    @Override
    public Approvals.Decision askApproval(String question, Duration timeout) {
        synchronized (approvalTurn) {
            print("Approval needed: " + question + "\nAllow? [y/N] (answer within " + timeout.toSeconds() + " s)");
            try {
                Optional<String> answer = input.answer(timeout);
                boolean yes = answer.map(a -> a.strip().toLowerCase(Locale.ROOT))
                        .filter(a -> a.equals("y") || a.equals("yes")).isPresent();
                print(yes ? "Approved." : "Denied.");
                return yes ? Approvals.Decision.APPROVED : Approvals.Decision.DENIED;
            } catch (TimeoutException e) {
                print("No answer in time: not allowed.");
                return Approvals.Decision.TIMED_OUT;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Approvals.Decision.DENIED;
            }
        }
    }

    /** Proactive messages (reminders) are printed between turns, never inside a reply. */
    @Override
    public void notify(String text) {
        print(text);
    }

    private void print(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    private void prompt() {
        if (interactive) {
            synchronized (out) {
                out.print("> ");
                out.flush();
            }
        }
    }
}
