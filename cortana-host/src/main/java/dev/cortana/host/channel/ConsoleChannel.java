package dev.cortana.host.channel;

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

    public ConsoleChannel(Agent agent, CommandRouter commands, String userId, PrintStream out, boolean interactive) {
        this.agent = agent;
        this.commands = commands;
        this.userId = userId;
        this.out = out;
        this.interactive = interactive;
    }

    /** Reads until end of input. */
    public void run(BufferedReader in) throws IOException {
        prompt();
        String line;
        while ((line = in.readLine()) != null) {
            String text = line.strip();
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
