package dev.cortana.host;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.channel.MasterConnection;
import dev.cortana.host.channel.MasterDeliveries;
import dev.cortana.host.channel.discord.AttachmentInbox;
import dev.cortana.host.commands.CommandRegistry;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.commands.CompactCommand;
import dev.cortana.host.commands.HelpCommand;
import dev.cortana.host.commands.ResetCommand;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.host.conversation.ConversationCache;
import dev.cortana.host.conversation.ConversationCompactor;
import dev.cortana.host.conversation.ConversationFiles;
import dev.cortana.host.config.ConversationSettings;
import dev.cortana.host.conversation.TokenCounter;
import dev.cortana.host.memory.ActiveMemory;
import dev.cortana.host.memory.MemoryCommand;
import dev.cortana.host.memory.MemoryTools;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.SecretRedactor;
import dev.cortana.host.config.Secrets;
import dev.cortana.host.services.HostHttpClient;
import dev.cortana.host.services.PluginPlatform;
import dev.cortana.host.tools.ToolChanges;
import dev.cortana.host.commands.SettingsCommand;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.host.jobs.JobScheduler;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.plugins.HostServices;
import dev.cortana.host.plugins.PluginHost;
import dev.cortana.host.plugins.PluginsCommand;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.skills.SkillCatalog;
import dev.cortana.host.skills.SkillsCommand;
import dev.cortana.api.skills.SkillSource;
import dev.cortana.host.storage.Database;
import dev.cortana.host.storage.UserSettingsStore;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.users.LocalUserMigration;
import dev.cortana.api.users.UserDataMigration;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Cortana: database, plugins, the agent and its commands, wired together. Channels (console, Discord)
 * sit on top and share everything here.
 */
public final class Cortana implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Cortana.class);

    /** The host's version, which plugins' {@code Plugin-Requires} is checked against. */
    public static final String VERSION = "0.1.0";

    private final CortanaConfig config;
    private final Database database;
    private final PluginHost plugins;
    private final MasterConnection notifier;
    private final ModelRouter models;
    private final Agent agent;
    private final CommandRouter commands;
    private final UserSettingsStore userSettings;
    /** Everything started, stopped in reverse order by {@link #close()} (or by a start-up that failed). */
    private final ShutdownSequence running;
    private final ToolRegistry tools;
    private final JobScheduler jobs;
    private final StartupWarmUp warmUp;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Cortana(CortanaConfig config, Database database, PluginHost plugins, MasterConnection notifier,
                    ModelRouter models, Agent agent, CommandRouter commands, UserSettingsStore userSettings,
                    ShutdownSequence running, ToolRegistry tools, JobScheduler jobs, StartupWarmUp warmUp) {
        this.config = config;
        this.database = database;
        this.plugins = plugins;
        this.notifier = notifier;
        this.models = models;
        this.agent = agent;
        this.commands = commands;
        this.userSettings = userSettings;
        this.running = running;
        this.tools = tools;
        this.jobs = jobs;
        this.warmUp = warmUp;
    }

    /** Starts everything but the channels. Throws with a clear message when the database or workspace is unusable. */
    public static Cortana start(Config raw, CortanaConfig config, Clock clock) {
        Duration pluginTimeout = CortanaConfig.pluginStartTimeout(raw); // checked before anything starts
        RotationSettings rotation = RotationSettings.from(raw, config.workspaceDir());
        List<Path> privateElsewhere = new ArrayList<>(raw.files());
        rotation.usageFile().ifPresent(privateElsewhere::add);
        privateElsewhere.addAll(config.pluginFolders());
        privateElsewhere.addAll(HostWorkspace.programFiles());
        HostWorkspace opened = HostWorkspace.open(config.workspaceDir()).withPrivatePaths(privateElsewhere);
        HostWorkspace workspace = raw.get("SKILLS_DIR").filter(v -> !v.isBlank())
                .map(dir -> opened.withSkillsDir(Path.of(dir))).orElse(opened); // plugins read it from the workspace
        // The tokenizer tables load while the database starts (the main thread mostly waits for PostgreSQL then).
        TokenCounter tokenCounter = new TokenCounter();
        Thread tables = new Thread(() -> tokenCounter.preload(config.modelName()), "cortana-tokenizer-tables");
        tables.setDaemon(true);
        tables.start();
        // The database starts on its own thread (the embedded PostgreSQL is mostly waited for); what needs no database
        // is made meanwhile. From here on, each part is registered as soon as it runs: a failure stops what started.
        CompletableFuture<Database> databaseStart = BackgroundStart.begin("cortana-database-start",
                () -> Database.open(config.databaseUrl(), workspace.root()));
        ShutdownSequence running = new ShutdownSequence();
        running.add("the database", databaseStart, () -> BackgroundStart.closeOnceStarted(databaseStart, Database::close));
        try {
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemonThreads("scheduler"));
            running.add("the scheduler", scheduler, scheduler::shutdownNow);
            MasterConnection notifier = new MasterConnection();
            // Plugins provide the models and may ask them: the host is made first, started once the router exists.
            PluginHost plugins = new PluginHost(config.pluginFolders(), VERSION, pluginTimeout);
            running.add("the plugins", plugins, plugins::close);
            ModelRouter models = new ModelRouter(
                    () -> plugins.extensions(LlmProvider.class).stream().map(Contribution::extension).toList(),
                    plugins::generation, raw, rotation, clock);
            running.add("the model router", models, models::close);
            HostHttpClient http = new HostHttpClient(VERSION, secretsOf(raw));
            ConversationSettings conversationSettings = ConversationSettings.from(raw);
            // Read meanwhile too, awaited where it was needed (after the plugins): a failure still stops a started host.
            CompletableFuture<ConversationCache> restore = BackgroundStart.begin("cortana-conversation-restore",
                    () -> ConversationCache.open(new ConversationFiles(workspace.root().resolve(".conversation_cache"),
                            tokenCounter), clock, conversationSettings.ttl()));
            Database database = BackgroundStart.await(databaseStart);
            UserSettingsStore userSettings = new UserSettingsStore(database.dataSource());
            ToolChanges toolChanges = new ToolChanges();
            PluginPlatform platform = new PluginPlatform(http, models,
                    () -> modelOf(userSettings, config.masterUserId().orElse(config.consoleUserId()), config.modelName()),
                    raw.get("LLM_BACKGROUND_MODEL"), toolChanges, clock);
            // Opened before the plugins start (they register handlers), stopped before they stop (no job starts on a
            // stopping plugin), started after them: runs what fell due while Cortana was down.
            JobScheduler jobs = JobScheduler.open(database.dataSource(), workspace.root(), clock);
            running.add("the durable jobs", jobs, jobs::close);
            HostServices services = new HostServices(database.dataSource(), workspace, raw, clock,
                    new dev.cortana.host.plugins.UserZone(() -> zoneOf(userSettings, config.consoleUserId(), config.timeZone()),
                            () -> raw.get("TIMEZONE").isPresent() || raw.get("TZ").isPresent()
                                    || zoneChosen(userSettings, config.consoleUserId())), notifier, notifier, scheduler,
                    Optional.of(platform), jobs);
            plugins.start(services);
            ExecutorService memoryThreads = Executors.newCachedThreadPool(daemonThreads("memory"));
            // Stopped before the model router and the plugins: a memory write in flight may still need either.
            running.add("the memory writes", memoryThreads, () -> stopMemoryThreads(memoryThreads));
            ActiveMemory memory = new ActiveMemory(
                    () -> plugins.extensions(MemoryProvider.class).stream().map(Contribution::extension).toList(),
                    raw.get("MEMORY_PROVIDER"), memoryThreads, Duration.ofSeconds(10));
            memory.provider(); // the provider in use hears it is (memory-local starts loading its model); no other does
            jobs.start();
            plugins.watch();

            // The memory tools (remember, recall, forget) are the host's, offered while a memory plugin is active.
            MemoryTools memoryTools = new MemoryTools(memory);
            ToolRegistry tools = new ToolRegistry(() -> withFirst(new Contribution<>(MemoryTools.OWNER, memoryTools),
                    plugins.extensions(ToolProvider.class)), plugins::generation, toolChanges);
            ToolRunner toolRunner = new ToolRunner(config.toolTimeout());
            running.add("the tool runner", toolRunner, toolRunner::close);
            ConversationCache conversations = BackgroundStart.await(restore);
            notifier.recordIn(conversations, new MasterDeliveries(database.dataSource())); // Notifier.send joins it
            // The console's data (todos, settings, conversation, skills) is the master's once MASTER_USER_ID is set.
            config.masterUserId().ifPresent(master -> new LocalUserMigration(database.dataSource(),
                    () -> plugins.extensions(UserDataMigration.class), conversations, workspace.root().resolve("users"))
                    .move(CortanaConfig.CONSOLE_USER, master));
            userSettings.forgetRemembered(); // the move wrote user_settings with its own SQL
            // Restored messages without saved counts (older files) are counted off the start-up path, before the first turn.
            scheduler.execute(() -> conversations.countTokens(tokenCounter, config.modelName()));
            ConversationCompactor compactor = new ConversationCompactor(conversations, models, tokenCounter, memory,
                    conversationSettings);
            SkillCatalog skills = new SkillCatalog(CortanaConfig.bool(raw, "ENABLE_SKILLS", true),
                    workspace.skillsDir(),
                    workspace.root().resolve("users"), () -> plugins.extensions(SkillSource.class));
            running.add("the skill catalog", skills, skills::close);
            SystemPrompt prompt = new SystemPrompt(workspace, clock,
                    userId -> zoneOf(userSettings, userId, config.timeZone()), 20_000,
                    userId -> skills.promptSection(userId, workspace.root()));
            Agent agent = new Agent(models, userId -> modelOf(userSettings, userId, config.modelName()),
                    tools, toolRunner, conversations, prompt, config.maxToolRounds(), compactor, memory,
                    () -> database.availability().notice(), // while the database is away, each reply says so once
                    CortanaConfig.bool(raw, "STREAM_REPLIES", true));

            // The command list is built first; /help reads it, so no command needs the router that runs it.
            MemoryCommand memoryCommand = new MemoryCommand(memory);
            CommandProvider memoryCommands = memoryCommand::ifActive; // /memory, while a memory plugin is active
            CommandRegistry commandList = new CommandRegistry(() -> withFirst(
                    new Contribution<>(MemoryTools.OWNER, memoryCommands), plugins.extensions(CommandProvider.class)));
            commandList.register(new HelpCommand(commandList::all))
                    .register(new PluginsCommand(plugins, pluginId -> tools.toolNamesByPlugin().getOrDefault(pluginId, List.of()),
                            pluginId -> tools.skippedToolsByPlugin().getOrDefault(pluginId, List.of())))
                    .register(new ResetCommand(conversations))
                    .register(new CompactCommand(agent))
                    .register(new SkillsCommand(skills, workspace.root()))
                    .register(new SettingsCommand(models, userSettings, config.modelName(), config.timeZone(),
                            () -> PluginsCommand.statusLines(plugins)));
            CommandRouter commands = new CommandRouter(commandList::all);
            StartupWarmUp warmUp = new StartupWarmUp(models,
                    () -> modelOf(userSettings, config.consoleUserId(), config.modelName()), userSettings,
                    config.consoleUserId(), prompt, tools, tokenCounter, memory);
            return new Cortana(config, database, plugins, notifier, models, agent, commands, userSettings, running, tools, jobs,
                    warmUp);
        } catch (RuntimeException | Error e) {
            running.close(); // plugins stopped, threads ended, the embedded PostgreSQL shut down: nothing left running
            throw e;
        }
    }

    private static <T> List<Contribution<T>> withFirst(Contribution<T> first, List<Contribution<T>> rest) {
        List<Contribution<T>> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String modelOf(UserSettingsStore settings, String userId, String fallback) {
        try {
            return settings.remembered(userId, "model").orElse(fallback); // read every message: remembered briefly
        } catch (RuntimeException e) { // the database briefly away: answer with the configured model
            if (e.getCause() instanceof java.sql.SQLTransientConnectionException) {
                log.debug("Could not read the model setting of user {}: {}", userId, e.getMessage()); // said once by Database
            } else {
                log.warn("Could not read the model setting of user {}: {}", userId, e.getMessage());
            }
            return fallback;
        }
    }

    /** Every secret-looking value of the configuration, for the plugins' HTTP client to keep out of its messages. */
    private static SecretRedactor secretsOf(Config raw) {
        return SecretRedactor.of(Secrets.values(raw));
    }

    private static boolean zoneChosen(UserSettingsStore settings, String userId) {
        try {
            return settings.get(userId, "timezone").isPresent();
        } catch (RuntimeException e) { // the database briefly away: don't claim the zone was assumed
            return true;
        }
    }

    private static ZoneId zoneOf(UserSettingsStore settings, String userId, ZoneId fallback) {
        try {
            return settings.remembered(userId, "timezone").map(ZoneId::of).orElse(fallback);
        } catch (RuntimeException e) { // a bad stored zone, or the database briefly away
            return fallback;
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public CortanaConfig config() {
        return config;
    }

    public Agent agent() {
        return agent;
    }

    public CommandRouter commands() {
        return commands;
    }

    public PluginHost plugins() {
        return plugins;
    }

    public MasterConnection master() {
        return notifier;
    }

    /** Where Discord saves the files the master attaches, and which types tools take as files. */
    public AttachmentInbox attachmentInbox() {
        return new AttachmentInbox(config.workspaceDir().toAbsolutePath().resolve("users"), tools::acceptedFileTypes);
    }

    /** The started plugins' tools, and the ones skipped (the plugin test kit reports the skipped ones). */
    public ToolRegistry tools() {
        return tools;
    }

    /**
     * Starts, on a background thread, what the first message would otherwise wait for (class loading, the model's
     * clients, the tokenizer tables, the database pool; see {@link StartupWarmUp}), asking no model. Channels call it
     * once they are ready; completes with the milliseconds of each step that ran.
     */
    public java.util.concurrent.CompletableFuture<java.util.Map<String, Long>> warmUp() {
        return warmUp.start();
    }

    /** The durable-job runner (the plugin test kit runs due jobs through it when its clock jumps). */
    public JobScheduler jobs() {
        return jobs;
    }

    public Database database() {
        return database;
    }

    public UserSettingsStore userSettings() {
        return userSettings;
    }

    /** Why the configured model cannot answer yet (no key, no provider plugin), for the start-up notice. */
    public Optional<String> llmProblem() {
        return models.unavailableReason(config.modelName());
    }

    /** Stops everything {@link #start} started, the last started first (memory writes finish before plugins stop). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the Discord channel's shutdown hook and Main may both close
        }
        running.close();
    }

    /** Lets memory writes in flight (what a turn taught) finish before their plugin stops, but not hold up the exit. */
    private static void stopMemoryThreads(ExecutorService memoryThreads) {
        memoryThreads.shutdown();
        try {
            if (!memoryThreads.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Memory writes still running after 5 s at shutdown; stopping them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        memoryThreads.shutdownNow();
    }
}
