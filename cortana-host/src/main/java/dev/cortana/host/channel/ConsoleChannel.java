package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.commands.CommandRouter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.langchain4j.data.message.UserMessage;

/**
 * The console: each line from standard input is a DM from the master user, {@code /}-lines are commands, replies go
 * to standard output. Lines are handled strictly in order, each reply printed before the next line is read, so
 * piped input behaves like a conversation.
 */
public final class ConsoleChannel implements MasterChannel {

    /** What a piped console says when it denies a question it has no terminal to ask. */
    public static final String PIPED_DENIAL = "Denied: approvals need a terminal or Discord; input is piped.";

    private final Agent agent;
    private final CommandRouter commands;
    private final String userId;
    private final PrintStream out;
    private final boolean interactive;
    private final boolean inputIsTerminal;
    private final Supplier<Optional<ApprovalTerminal>> openTerminal;
    private final ConsoleInput input = new ConsoleInput();
    private final Object approvalTurn = new Object();
    private ApprovalTerminal terminal;
    /** Guarded by {@code out}: a reply is being printed piece by piece, and what waits for its end. */
    private boolean streaming;
    private boolean midLine;
    private final List<String> heldNotices = new ArrayList<>();
    /** Set by {@link #abandonTurn()}: the turn in progress stops at its next step (shutdown). */
    private volatile boolean abandon;

    /** A console whose input, when {@code interactive}, is a terminal that answers approval questions. */
    public ConsoleChannel(Agent agent, CommandRouter commands, String userId, PrintStream out, boolean interactive) {
        this(agent, commands, userId, out, interactive, interactive, Optional::empty);
    }

    /**
     * @param interactive     prompt with {@code > } and end with a line break
     * @param inputIsTerminal the next input line answers an approval question (y/n), as a person types it
     * @param openTerminal    where else to ask when input is piped ({@link ApprovalTerminal#open}); opened at the
     *                        first question; empty: questions are denied, saying why
     */
    public ConsoleChannel(Agent agent, CommandRouter commands, String userId, PrintStream out, boolean interactive,
                          boolean inputIsTerminal, Supplier<Optional<ApprovalTerminal>> openTerminal) {
        this.agent = agent;
        this.commands = commands;
        this.userId = userId;
        this.out = out;
        this.interactive = interactive;
        this.inputIsTerminal = inputIsTerminal;
        this.openTerminal = openTerminal;
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
                List<Path> files = new ArrayList<>();
                if (CommandRouter.isCommand(text)) {
                    print(commands.run(userId, text));
                } else {
                    replyStreaming(text, files);
                }
                // No attachments on a console: the files a tool made are named where they are.
                files.forEach(file -> print("Attached file: " + file));
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
     * Stops reading input, as at its end: the turn in progress (if any) finishes, no further line is taken, and
     * {@link #run} returns. Safe from any thread (a shutdown hook).
     */
    public void stop() {
        input.end();
    }

    /** The turn in progress stops at its next step (what streamed so far stays shown); for a bounded shutdown. */
    public void abandonTurn() {
        abandon = true;
    }

    /** Whether input ended before its first line: nobody can type here ({@code < /dev/null}, {@code docker compose up -d}). */
    public boolean endedBeforeAnyLine() {
        return input.endedBeforeAnyLine();
    }

    /**
     * The agent's reply, printed as the model writes it: each piece as it arrives, the line ended when the reply is
     * complete. A reply that streamed nothing (an error before any text, {@code STREAM_REPLIES=false}) is printed
     * whole. Notifications that come meanwhile wait until the reply's line is ended.
     */
    private void replyStreaming(String text, List<Path> files) {
        boolean[] streamed = {false};
        String reply;
        try {
            reply = agent.reply(userId, UserMessage.from(text), () -> abandon, files::add, piece -> {
                synchronized (out) {
                    streaming = true;
                    streamed[0] = true;
                    midLine = true;
                    out.print(piece);
                    out.flush();
                }
            });
        } finally {
            List<String> waiting;
            synchronized (out) {
                if (midLine) {
                    out.println();
                    out.flush();
                    midLine = false;
                }
                streaming = false;
                waiting = new ArrayList<>(heldNotices);
                heldNotices.clear();
            }
            waiting.forEach(this::print);
        }
        if (!streamed[0]) {
            print(reply);
        }
    }

    /**
     * When input is a terminal, prints the question and takes the next input line as the answer: {@code y} or
     * {@code yes} approves, anything else denies; no line within {@code timeout} is TIMED_OUT. When input is piped, a
     * line of it is never taken as an answer (it is the next message): the question goes to the terminal if there is
     * one, else it is denied, saying so. One question at a time, so answers cannot cross.
     */
    @Override
    public Approvals.Decision askApproval(String question, Duration timeout) {
        synchronized (approvalTurn) {
            if (!inputIsTerminal) {
                return askElsewhere(question, timeout);
            }
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

    private Approvals.Decision askElsewhere(String question, Duration timeout) {
        if (terminal == null) {
            terminal = openTerminal.get().orElse(null);
        }
        if (terminal == null) {
            print("Approval needed: " + question + "\n" + PIPED_DENIAL);
            return Approvals.Decision.DENIED;
        }
        try {
            return terminal.ask(question, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Approvals.Decision.DENIED;
        }
    }

    @Override
    public String masterUserId() {
        return userId;
    }

    /** Proactive messages (reminders) are printed between turns, never inside a reply (held while one streams). */
    @Override
    public void notify(String text) {
        synchronized (out) {
            if (streaming) {
                heldNotices.add(text);
                return;
            }
            print(text);
        }
    }

    private void print(String text) {
        synchronized (out) {
            if (midLine) { // an approval question in the middle of a streamed reply goes on a line of its own
                out.println();
                midLine = false;
            }
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
