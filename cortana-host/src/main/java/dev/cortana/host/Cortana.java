package dev.cortana.host;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.channel.MasterConnection;
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
import dev.cortana.host.llm.ModelRouter;
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
    private final ToolRunner toolRunner;
    private final ScheduledExecutorService scheduler;
    private final MasterConnection notifier;
    private final ModelRouter models;
    private final Agent agent;
    private final CommandRouter commands;
    private final UserSettingsStore userSettings;
    private final ExecutorService memoryThreads;
    private final SkillCatalog skills;
    private final AtomicBoolean closed = new AtomicBoolean();
    private JobScheduler jobs; // durable jobs (dev.cortana.host.jobs); set once by start()

    private Cortana(CortanaConfig config, Database database, PluginHost plugins, ToolRunner toolRunner,
                    ScheduledExecutorService scheduler, MasterConnection notifier, ModelRouter models, Agent agent,
                    CommandRouter commands, UserSettingsStore userSettings, ExecutorService memoryThreads,
                    SkillCatalog skills) {
        this.config = config;
        this.database = database;
        this.plugins = plugins;
        this.toolRunner = toolRunner;
        this.scheduler = scheduler;
        this.notifier = notifier;
        this.models = models;
        this.agent = agent;
        this.commands = commands;
        this.userSettings = userSettings;
        this.memoryThreads = memoryThreads;
        this.skills = skills;
    }

    /** Starts everything but the channels. Throws with a clear message when the database or workspace is unusable. */
    public static Cortana start(Config raw, CortanaConfig config, Clock clock) {
        Duration pluginTimeout = CortanaConfig.pluginStartTimeout(raw); // checked before anything starts
        RotationSettings rotation = RotationSettings.from(raw, config.workspaceDir());
        List<Path> privateElsewhere = new ArrayList<>(raw.files());
        rotation.usageFile().ifPresent(privateElsewhere::add);
        privateElsewhere.add(config.pluginsDir());
        privateElsewhere.addAll(HostWorkspace.programFiles());
        HostWorkspace workspace = HostWorkspace.open(config.workspaceDir()).withPrivatePaths(privateElsewhere);
        Database database = Database.open(config.databaseUrl(), workspace.root());
        JobScheduler jobs = null;
        try {
            UserSettingsStore userSettings = new UserSettingsStore(database.dataSource());
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemonThreads("scheduler"));
            MasterConnection notifier = new MasterConnection();
            jobs = JobScheduler.open(database.dataSource(), workspace.root(), clock);
            HostServices services = new HostServices(database.dataSource(), workspace, raw, clock,
                    () -> zoneOf(userSettings, config.consoleUserId(), config.timeZone()), notifier, notifier, scheduler,
                    jobs);
            PluginHost plugins = new PluginHost(config.pluginsDir(), VERSION, services, pluginTimeout);
            plugins.start();
            jobs.start(); // after the plugins registered their handlers; runs what fell due while Cortana was down
            plugins.watch(Duration.ofMillis(500));

            ToolRegistry tools = new ToolRegistry(plugins);
            ToolRunner toolRunner = new ToolRunner(config.toolTimeout());
            ModelRouter models = new ModelRouter(
                    () -> plugins.extensions(LlmProvider.class).stream().map(Contribution::extension).toList(),
                    plugins::generation, raw, rotation, clock);
            ConversationSettings conversationSettings = ConversationSettings.from(raw);
            TokenCounter tokenCounter = new TokenCounter();
            ConversationCache conversations = ConversationCache.open(new ConversationFiles(
                    workspace.root().resolve(".conversation_cache"), tokenCounter), clock, conversationSettings.ttl());
            // The console's data (todos, settings, conversation, skills) is the master's once MASTER_USER_ID is set.
            config.masterUserId().ifPresent(master -> new LocalUserMigration(database.dataSource(),
                    () -> plugins.extensions(UserDataMigration.class), conversations, workspace.root().resolve("users"))
                    .move(CortanaConfig.CONSOLE_USER, master));
            // Restored messages without saved counts (older files) are counted off the start-up path, before the first turn.
            scheduler.execute(() -> conversations.countTokens(tokenCounter, config.modelName()));
            ExecutorService memoryThreads = Executors.newCachedThreadPool(daemonThreads("memory"));
            ActiveMemory memory = new ActiveMemory(
                    () -> plugins.extensions(MemoryProvider.class).stream().map(Contribution::extension).toList(),
                    raw.get("MEMORY_PROVIDER"), memoryThreads, Duration.ofSeconds(10));
            ConversationCompactor compactor = new ConversationCompactor(conversations, models, tokenCounter, memory,
                    conversationSettings);
            SkillCatalog skills = new SkillCatalog(CortanaConfig.bool(raw, "ENABLE_SKILLS", true),
                    raw.get("SKILLS_DIR").filter(v -> !v.isBlank()).map(Path::of).orElse(workspace.root().resolve("skills")),
                    workspace.root().resolve("users"), () -> plugins.extensions(SkillSource.class));
            SystemPrompt prompt = new SystemPrompt(workspace, clock,
                    userId -> zoneOf(userSettings, userId, config.timeZone()), 20_000,
                    userId -> skills.promptSection(userId, workspace.root()));
            Agent agent = new Agent(models, userId -> modelOf(userSettings, userId, config.modelName()),
                    tools, toolRunner, conversations, prompt, config.maxToolRounds(), compactor, memory,
                    () -> database.availability().notice()); // while the database is away, each reply says so once

            CommandRouter[] router = new CommandRouter[1];
            List<Command> hostCommands = List.of(
                    new HelpCommand(() -> router[0]),
                    new PluginsCommand(plugins, pluginId -> tools.toolNamesByPlugin().getOrDefault(pluginId, List.of())),
                    new ResetCommand(conversations),
                    new CompactCommand(agent),
                    new SkillsCommand(skills, workspace.root()),
                    new SettingsCommand(models, userSettings, config.modelName(), config.timeZone()));
            router[0] = new CommandRouter(() -> {
                List<Command> all = new ArrayList<>(hostCommands);
                for (Contribution<CommandProvider> provider : plugins.extensions(CommandProvider.class)) {
                    try {
                        all.addAll(provider.extension().commands());
                    } catch (RuntimeException | LinkageError e) {
                        log.warn("Commands of plugin {} skipped: {}", provider.pluginId(), e.toString());
                    }
                }
                return all;
            });
            Cortana cortana = new Cortana(config, database, plugins, toolRunner, scheduler, notifier, models, agent, router[0],
                    userSettings, memoryThreads, skills);
            cortana.jobs = jobs;
            return cortana;
        } catch (RuntimeException e) {
            if (jobs != null) {
                jobs.close();
            }
            database.close();
            throw e;
        }
    }

    private static String modelOf(UserSettingsStore settings, String userId, String fallback) {
        try {
            return settings.get(userId, "model").orElse(fallback);
        } catch (RuntimeException e) { // the database briefly away: answer with the configured model
            if (e.getCause() instanceof java.sql.SQLTransientConnectionException) {
                log.debug("Could not read the model setting of user {}: {}", userId, e.getMessage()); // said once by Database
            } else {
                log.warn("Could not read the model setting of user {}: {}", userId, e.getMessage());
            }
            return fallback;
        }
    }

    private static ZoneId zoneOf(UserSettingsStore settings, String userId, ZoneId fallback) {
        try {
            return settings.get(userId, "timezone").map(ZoneId::of).orElse(fallback);
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

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the Discord channel's shutdown hook and Main may both close
        }
        stopMemoryThreads();
        if (jobs != null) {
            jobs.close(); // before the plugins: no job starts on a stopping plugin
        }
        try {
            plugins.close();
        } catch (RuntimeException e) {
            log.warn("Stopping plugins failed: {}", e.toString());
        }
        scheduler.shutdownNow();
        toolRunner.close();
        models.close();
        skills.close();
        database.close();
    }

    /** Lets memory writes in flight (what a turn taught) finish before their plugin stops, but not hold up the exit. */
    private void stopMemoryThreads() {
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
