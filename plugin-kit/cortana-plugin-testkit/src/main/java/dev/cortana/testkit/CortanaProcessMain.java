package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.host.Cortana;
import dev.cortana.host.channel.MasterChannel;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** The child JVM of {@link CortanaProcess}: Cortana on the environment's settings, driven from standard input. */
public final class CortanaProcessMain {

    static final String CLOCK = "CORTANA_PROCESS_CLOCK";
    static final String MESSAGES = "CORTANA_PROCESS_MESSAGES";
    static final String HALT_ON = "CORTANA_PROCESS_HALT_ON";

    private CortanaProcessMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err); // the host's own output must not mix with the replies
        TestClock clock = TestClock.at(Instant.parse(System.getenv(CLOCK)));
        Config config = Config.of(System.getenv());
        Cortana cortana;
        try {
            cortana = Cortana.start(config, CortanaConfig.from(config, Path.of(System.getenv("WORKSPACE_DIR"))), clock);
            cortana.master().attach(new FileChannel(cortana.config().consoleUserId(),
                    Path.of(System.getenv(MESSAGES)), System.getenv(HALT_ON)));
        } catch (RuntimeException | Error e) {
            reply(out, "failed: " + e);
            Runtime.getRuntime().halt(1);
            return;
        }
        reply(out, "ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            String verb = line.substring(0, tab);
            String argument = unescape(line.substring(tab + 1));
            try {
                if (verb.equals("chat")) {
                    String user = cortana.config().consoleUserId();
                    reply(out, CommandRouter.isCommand(argument) ? cortana.commands().run(user, argument)
                            : cortana.agent().reply(user, argument));
                } else if (verb.equals("clock")) {
                    clock.set(Instant.parse(argument));
                    boolean done = cortana.jobs().runDueNow(CortanaProcess.jobsTimeout());
                    reply(out, done ? "ok" : "jobs still due 30 s after the clock moved");
                } else {
                    reply(out, "unknown request " + verb);
                }
            } catch (RuntimeException e) {
                reply(out, "failed: " + e);
            }
        }
        cortana.close();
        Runtime.getRuntime().halt(0);
    }

    private static void reply(PrintStream out, String text) {
        out.println(CortanaProcess.REPLY + escape(text));
        out.flush();
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
    }

    static String unescape(String text) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                result.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
            } else {
                result.append(c);
            }
        }
        return result.toString();
    }

    /**
     * The master user's channel, in a file shared by every start: like Discord with {@code enforce_nonce}, a message
     * posted again with a nonce already accepted is not added twice.
     */
    private static final class FileChannel implements MasterChannel {

        private final String masterUserId;
        private final Path file;
        private final String haltOn;
        private final Set<String> nonces = new HashSet<>();

        FileChannel(String masterUserId, Path file, String haltOn) throws IOException {
            this.masterUserId = masterUserId;
            this.file = file;
            this.haltOn = haltOn;
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    nonces.add(line.substring(0, line.indexOf('\t')));
                }
            }
        }

        @Override
        public void notify(String text) {
            append("-", text);
        }

        @Override
        public synchronized void deliver(String text, String nonce, Consumer<Optional<String>> done) {
            if (nonce == null || nonces.add(nonce)) {
                append(nonce == null ? "-" : nonce, text);
                if (haltOn != null && text.contains(haltOn)) {
                    Runtime.getRuntime().halt(137); // accepted by the channel; Cortana never learns it
                }
            }
            done.accept(Optional.empty());
        }

        @Override
        public Approvals.Decision askApproval(String question, java.time.Duration timeout) {
            return Approvals.Decision.DENIED;
        }

        @Override
        public String masterUserId() {
            return masterUserId;
        }

        private synchronized void append(String nonce, String text) {
            try {
                Files.writeString(file, nonce + "\t" + escape(text) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
