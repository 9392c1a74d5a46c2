package dev.cortana.testkit;

import dev.cortana.testkit.wire.FakeOpenAi;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real Cortana with the plugin under test in a <em>child JVM</em> that the test can kill, for what must survive a
 * crash: the same database, workspace and plugins on every {@link #start()}, a {@link ScriptedModel} answering in the
 * test JVM, a clock the test sets ({@link #setClock}), and a channel to the master user that behaves like Discord's:
 * a message re-posted with a nonce it already accepted is not shown twice.
 *
 * <pre>{@code
 * try (CortanaProcess cortana = CortanaProcess.forPluginUnderTest().zone(BERLIN).startingAt(NOW)) {
 *     cortana.haltAfterPosting("call mom").start();
 *     cortana.model().when("remind me").callTool("reminder_set", Map.of(...)).thenAnswerWithToolResult();
 *     cortana.chat("remind me at 18:00 to call mom");
 *     cortana.setClock(six);                       // the child dies right after the channel accepted the message
 *     cortana.awaitExit();
 *     cortana.haltAfterPosting(null).start();      // again, on the same database and workspace
 *     assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
 * }
 * }</pre>
 *
 * <p>{@link #haltAfterPosting} makes the child end itself ({@code Runtime.halt}: no shutdown hooks, as abrupt as
 * {@code SIGKILL}) at the worst moment of a send: after the channel accepted the message, before Cortana learned it.
 * {@link #kill()} kills it from outside. Commands go to the child on its standard input; its log goes to the test's
 * standard error.
 *
 * @since 0.2.0
 */
public final class CortanaProcess implements AutoCloseable {

    static final String REPLY = "@@cortana-process ";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Path dir;
    private final Path workspace;
    private final Path pluginsDir;
    private final Path messagesFile;
    private final TestDatabase database;
    private final FakeOpenAi server;
    private final ScriptedModel model;
    private Instant clock;
    private String haltOn;
    private Process process;
    private BufferedWriter input;
    private BufferedReader output;

    private CortanaProcess() {
        try {
            dir = Files.createTempDirectory("cortana-process-");
            workspace = Files.createDirectories(dir.resolve("workspace"));
            pluginsDir = Files.createDirectories(dir.resolve("plugins"));
            messagesFile = dir.resolve("messages.tsv");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the child Cortana's folders: " + e.getMessage(), e);
        }
        PluginUnderTest plugin = PluginUnderTest.fromSystemProperties();
        PluginJars.build(plugin, pluginsDir);
        PluginJars.copyNamed(List.of("provider-openai"), pluginsDir);
        database = TestDatabases.fresh();
        server = FakeOpenAi.start();
        model = new ScriptedModel(server);
        clock = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        settings.put("TIMEZONE", "UTC");
    }

    /**
     * A child Cortana loading the plugin this build is testing; nothing runs until {@link #start()}.
     *
     * @since 0.2.0
     */
    public static CortanaProcess forPluginUnderTest() {
        return new CortanaProcess();
    }

    /** @since 0.2.0 */
    public CortanaProcess setting(String key, String value) {
        settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** @since 0.2.0 */
    public CortanaProcess zone(ZoneId zone) {
        return setting("TIMEZONE", zone.getId());
    }

    /** Where the child's clock stands when it (next) starts. @since 0.2.0 */
    public CortanaProcess startingAt(Instant instant) {
        this.clock = Objects.requireNonNull(instant, "instant");
        return this;
    }

    /**
     * The next {@link #start()}'s child halts right after its channel accepted a message containing {@code text}
     * ({@code null}: never).
     *
     * @since 0.2.0
     */
    public CortanaProcess haltAfterPosting(String text) {
        this.haltOn = text;
        return this;
    }

    /**
     * Starts the child and waits until it is ready (plugins started, channel attached); at most 60 s.
     *
     * @since 0.2.0
     */
    public synchronized CortanaProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The child Cortana is still running; kill() or awaitExit() first");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CortanaProcessMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME") && !key.equals("LANG"));
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", pluginsDir.toString());
        env.put("DATABASE_URL", database.postgresUrl());
        env.put("OPENAI_API_KEY", "sk-test-plugin-kit-0001");
        env.put("OPENAI_API_BASE", server.baseUrl());
        env.put("LLM_MODEL_NAME", "gpt-4o");
        env.putAll(settings);
        env.put(CortanaProcessMain.CLOCK, clock.toString());
        env.put(CortanaProcessMain.MESSAGES, messagesFile.toString());
        if (haltOn != null) {
            env.put(CortanaProcessMain.HALT_ON, haltOn);
        }
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a child JVM: " + e.getMessage(), e);
        }
        input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = readReply();
        if (!ready.equals("ready")) {
            throw new AssertionError("The child Cortana did not start: " + ready);
        }
        return this;
    }

    /** Sends {@code text} as the master user (a {@code /command} runs it) and returns the reply. @since 0.2.0 */
    public String chat(String text) {
        return request("chat", text);
    }

    /**
     * Sets the child's clock and waits until the durable jobs that fell due ran; returns early if the child dies
     * (see {@link #haltAfterPosting}).
     *
     * @since 0.2.0
     */
    public void setClock(Instant instant) {
        clock = instant;
        String reply = request("clock", instant.toString());
        if (!reply.equals("ok") && !reply.equals("exited")) {
            throw new AssertionError("The child Cortana could not set its clock: " + reply);
        }
    }

    /** The child's clock as the test last set it. @since 0.2.0 */
    public Instant clock() {
        return clock;
    }

    /** The scripted model (it answers in the test JVM, over loopback HTTP). @since 0.2.0 */
    public ScriptedModel model() {
        return model;
    }

    /** The database every start of the child uses, for SQL assertions. @since 0.2.0 */
    public TestDatabase database() {
        return database;
    }

    /**
     * The messages the master user saw, over every start, oldest first: each message once, however often it was
     * posted with the same nonce (as on Discord).
     *
     * @since 0.2.0
     */
    public List<String> messages() {
        try {
            if (!Files.exists(messagesFile)) {
                return List.of();
            }
            List<String> texts = new ArrayList<>();
            for (String line : Files.readAllLines(messagesFile, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                texts.add(CortanaProcessMain.unescape(line.substring(tab + 1)));
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to 30 s for the child to end (after a halt), and returns its exit code. @since 0.2.0 */
    public int awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("The child Cortana did not end within 30 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Kills the child at once (SIGKILL) and waits for it to end. @since 0.2.0 */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** Kills the child if it runs, stops the model and drops the database. */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            server.close();
            database.close();
        }
    }

    private synchronized String request(String verb, String argument) {
        if (process == null || !process.isAlive()) {
            return "exited";
        }
        try {
            input.write(verb + "\t" + CortanaProcessMain.escape(argument) + "\n");
            input.flush();
        } catch (IOException e) {
            return "exited";
        }
        return readReply();
    }

    private String readReply() {
        try {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith(REPLY)) {
                    return CortanaProcessMain.unescape(line.substring(REPLY.length()));
                }
                System.err.println(line); // the child's own output (logs)
            }
            return "exited";
        } catch (IOException e) {
            return "exited";
        }
    }

    /** For {@link CortanaProcessMain}: how long to wait for due jobs after a clock move. */
    static Duration jobsTimeout() {
        return Duration.ofSeconds(30);
    }
}
