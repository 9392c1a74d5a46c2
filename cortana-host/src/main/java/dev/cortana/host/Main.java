package dev.cortana.host;

import dev.cortana.host.channel.ApprovalTerminal;
import dev.cortana.host.channel.ConsoleChannel;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.config.LayeredConfig;
import dev.cortana.host.config.Secrets;
import dev.cortana.host.llm.SecretRedactor;
import dev.cortana.host.plugins.PluginsCommand;
import dev.cortana.host.storage.DatabaseUnavailableException;
import dev.cortana.host.storage.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code java -jar cortana-host.jar [--console]}: starts Cortana. With no {@code DISCORD_TOKEN} (or with
 * {@code --console}) standard input is a chat with the master user.
 *
 * <p>Exit codes: 0 at the end of console input, 2 for a configuration error, 3 when the database is unusable, 70
 * when an {@link Error} (out of memory) killed a thread ({@link FatalErrors}).
 */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar cortana-host.jar [--console]
              --console   chat on standard input/output even when DISCORD_TOKEN is set
            Configuration comes from the environment, a .env file and cortana.yml in the working directory;
            see README.md for the variables.""";

    private Main() {
    }

    public static void main(String[] args) {
        FatalErrors.install(); // an Error that kills a thread exits with 70 rather than leaving the bot half-dead
        // Replies are UTF-8 whatever the locale says: under LANG=C (a service, a container) Java would print '?'
        // for every non-ASCII character, and input is read as UTF-8 already.
        System.setOut(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8));
        System.exit(run(List.of(args), System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out, System.err,
                System.console() != null, ApprovalTerminal.standardInputIsTerminal(),
                () -> ApprovalTerminal.open(ApprovalTerminal.CONTROLLING_TERMINAL)));
    }

    /**
     * Runs Cortana until the console's input ends; returns the process exit code. Approval questions are answered
     * by input lines when {@code interactive}, else denied (input is piped and there is no terminal to ask).
     */
    public static int run(List<String> args, Map<String, String> environment, Path workingDir, InputStream stdin,
                          PrintStream stdout, PrintStream stderr, boolean interactive) {
        return run(args, environment, workingDir, stdin, stdout, stderr, interactive, interactive, Optional::empty);
    }

    /**
     * Like {@link #run(List, Map, Path, InputStream, PrintStream, PrintStream, boolean)}; approval questions are
     * answered by input lines when {@code inputIsTerminal}, else asked on {@code approvalTerminal} if it opens.
     */
    public static int run(List<String> args, Map<String, String> environment, Path workingDir, InputStream stdin,
                          PrintStream stdout, PrintStream stderr, boolean interactive, boolean inputIsTerminal,
                          Supplier<Optional<ApprovalTerminal>> approvalTerminal) {
        if (args.contains("--help") || args.contains("-h")) {
            stdout.println(USAGE);
            return 0;
        }
        if (args.contains("--version")) {
            stdout.println("Cortana " + Cortana.VERSION);
            return 0;
        }
        for (String arg : args) {
            if (!arg.equals("--console")) {
                stderr.println("Unknown option " + arg + "\n" + USAGE);
                return 2;
            }
        }
        if (!environment.containsKey("DATABASE_URL")) {
            EmbeddedPostgresServer.detectPlatformEarly(); // the embedded PostgreSQL is likely: its set-up starts now
        }
        CortanaConfig config;
        LayeredConfig raw;
        try {
            raw = LayeredConfig.load(environment, workingDir);
            config = CortanaConfig.from(raw, workingDir);
        } catch (ConfigException e) {
            stderr.println("Configuration error: " + e.getMessage());
            return 2;
        }
        Optional<HealthEndpoint> health;
        try {
            boolean json = Logging.jsonFormat(raw);
            Logging.configure(config.workspaceDir(), raw.get("LOG_LEVEL").orElse("INFO"), json, logSecrets(raw));
            if (json) {
                stderr = Logging.linesAsEvents(); // the ready line and notes as JSON events too
            }
            health = HealthEndpoint.start(raw); // answers "starting" (503) until Cortana is ready
            SupabaseHint.line(raw).ifPresent(stderr::println);
        } catch (ConfigException e) {
            stderr.println("Configuration error: " + e.getMessage());
            return 2;
        }
        StopSignal signal = StopSignal.install(); // SIGTERM: stop as at the end of input (the console's; Discord's own)
        try {
            return signal.exitCode(runStarted(args, raw, config, stdin, stdout, stderr, interactive, inputIsTerminal,
                    approvalTerminal, health, signal));
        } finally {
            health.ifPresent(HealthEndpoint::close);
            signal.release();
        }
    }

    /**
     * The values JSON log lines never show: every secret-looking setting's (DATABASE_URL's too; not the shell's
     * {@code PWD}, see {@link dev.cortana.api.SettingException#isSecret}), but no value too short to be a secret.
     */
    static SecretRedactor logSecrets(LayeredConfig raw) {
        return SecretRedactor.of(Secrets.values(raw).stream().filter(v -> v.length() >= 8).toList());
    }

    private static int runStarted(List<String> args, LayeredConfig raw, CortanaConfig config, InputStream stdin,
                                  PrintStream stdout, PrintStream stderr, boolean interactive, boolean inputIsTerminal,
                                  Supplier<Optional<ApprovalTerminal>> approvalTerminal,
                                  Optional<HealthEndpoint> health, StopSignal signal) {
        long started = System.nanoTime();
        Cortana cortana;
        try {
            cortana = Cortana.start(raw, config, Clock.systemDefaultZone());
        } catch (DatabaseUnavailableException e) {
            stderr.println("Database error: " + e.getMessage());
            return 3;
        } catch (ConfigException e) {
            stderr.println("Configuration error: " + e.getMessage());
            return 2;
        }
        try (cortana) {
            boolean console = config.discordToken().isEmpty() || args.contains("--console");
            cortana.llmProblem().ifPresent(problem -> stderr.println("Note: " + problem));
            if (!console) {
                return DiscordMain.serve(cortana, raw, started, stderr, health);
            }
            ConsoleChannel channel = new ConsoleChannel(cortana.agent(), cortana.commands(), config.consoleUserId(),
                    stdout, interactive, inputIsTerminal, approvalTerminal);
            cortana.master().attach(channel);
            health.ifPresent(h -> {
                h.channel(() -> "console");
                h.started(cortana);
            });
            long plugins = cortana.plugins().statuses().stream().filter(s -> s.started()).count();
            stderr.printf("Cortana %s is ready in %d ms: console chat as the master user, model %s, %d plugins, %s%s.%n"
                            + "Type a message; /help lists commands; Ctrl-D quits.%n",
                    Cortana.VERSION, (System.nanoTime() - started) / 1_000_000, config.modelName(), plugins,
                    cortana.database().description(), PluginsCommand.startupNotes(cortana.plugins()));
            stderr.flush();
            cortana.warmUp(); // in the background, after the ready line: the first message finds it done or under way
            signal.console(channel::stop, channel::abandonTurn);
            channel.run(new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)));
            if (channel.endedBeforeAnyLine() && !signal.requested() && config.discordToken().isEmpty() && !inputIsTerminal) {
                // No token and nobody to chat with (docker compose up -d): exiting would only be restarted, in a loop.
                health.ifPresent(h -> h.channel(() -> "not configured"));
                stderr.println("Not configured: no DISCORD_TOKEN is set and standard input is empty. Set DISCORD_TOKEN "
                        + "and MASTER_USER_ID (in .env) to serve your Discord DMs, or run with a terminal (docker run -it) "
                        + "to chat here. Waiting until stopped.");
                stderr.flush();
                signal.await();
            }
            health.ifPresent(HealthEndpoint::stopping);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.io.IOException e) {
            stderr.println("Console input failed: " + e.getMessage());
            return 1;
        }
    }
}
