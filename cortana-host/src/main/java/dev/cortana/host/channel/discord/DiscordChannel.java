package dev.cortana.host.channel.discord;

import dev.cortana.api.Approvals;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.channel.MasterChannel;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.ConfigException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cortana on Discord. Only DMs from the master user reach the agent; everything else (other users' DMs, any guild
 * message) is dropped before it is stored or sent anywhere. DMs are answered one at a time in arrival order, with the
 * typing indicator shown from arrival until the reply is posted. Slash commands are {@link SlashCommands}.
 */
public final class DiscordChannel extends ListenerAdapter implements MasterChannel, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiscordChannel.class);

    /** Discord shows typing for about 10 s per call; refresh a little before it fades. */
    /** How often the commands are compared with what Discord has. */
    static final long COMMAND_CHECK_MS = 2_000;
    /** Message ids remembered to drop a MESSAGE_CREATE replayed after a gateway resume. */
    private static final int REMEMBERED_MESSAGES = 1_000;

    private final Agent agent;
    private final String masterUserId;
    private final SlashCommands slashCommands;
    private final ExecutorService turns = Executors.newSingleThreadExecutor(daemon("discord-turn"));
    private final ExecutorService commandWorkers = Executors.newCachedThreadPool(daemon("discord-command"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("discord-timer"));
    private final ReplySender sender = new ReplySender(timers);
    private final Set<Long> seenMessages = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_MESSAGES;
        }
    });
    private final AtomicInteger working = new AtomicInteger();
    /** Counts {@code stop}s; a turn started before the latest one is cancelled. */
    private final java.util.concurrent.atomic.AtomicLong stops = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, CompletableFuture<Approvals.Decision>> approvals = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> typing;
    private volatile JDA jda;
    private volatile String registeredCommands;

    private final long typingRefreshMillis;

    private final AttachmentInbox inbox;

    private DiscordChannel(Agent agent, CommandRouter commands, String masterUserId, long typingRefreshMillis,
                           AttachmentInbox inbox) {
        this.inbox = inbox;
        this.typingRefreshMillis = typingRefreshMillis;
        this.agent = agent;
        this.masterUserId = masterUserId;
        this.slashCommands = new SlashCommands(commands, masterUserId, commandWorkers);
    }

    /**
     * Logs in, waits for the gateway session, and registers the slash commands.
     *
     * @throws ConfigException when Discord rejects the token or cannot be reached
     */
    public static DiscordChannel connect(DiscordSettings settings, Agent agent, CommandRouter commands) {
        return connect(settings, agent, commands, AttachmentInbox.NONE);
    }

    /** Like {@link #connect(DiscordSettings, Agent, CommandRouter)}, saving attachments where {@code inbox} says. */
    public static DiscordChannel connect(DiscordSettings settings, Agent agent, CommandRouter commands,
                                         AttachmentInbox inbox) {
        DiscordChannel channel = new DiscordChannel(agent, commands, settings.masterUserId(),
                settings.typingRefresh().toMillis(), inbox);
        JDABuilder builder = JDABuilder.createLight(settings.token(),
                        EnumSet.of(GatewayIntent.DIRECT_MESSAGES, GatewayIntent.MESSAGE_CONTENT))
                .disableCache(EnumSet.allOf(CacheFlag.class))
                .addEventListeners(channel);
        settings.apiBaseUrl().ifPresent(url -> builder.setRestConfig(new RestConfig().setBaseUrl(url)));
        settings.gatewayUrl().ifPresent(url -> builder
                .setCompression(Compression.NONE)
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return url;
                    }
                }));
        try {
            channel.jda = builder.build();
            channel.jda.awaitReady();
        } catch (InvalidTokenException e) {
            channel.close();
            throw new ConfigException("DISCORD_TOKEN was rejected by Discord: copy the bot token again from the "
                    + "Developer Portal (your application > Bot > Reset Token).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new ConfigException("Interrupted while connecting to Discord.");
        } catch (RuntimeException e) {
            channel.close();
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("intent")) {
                throw new ConfigException("Discord refused the Message Content intent: enable it in the Developer "
                        + "Portal (your application > Bot > Privileged Gateway Intents > Message Content Intent).", e);
            }
            throw new ConfigException("Could not connect to Discord: " + reason.lines().findFirst().orElse(reason), e);
        }
        channel.registerCommands();
        return channel;
    }

    /**
     * Registers (replaces) the global slash commands, then keeps them in step with the plugins: a plugin dropped in
     * or removed while running changes the commands, and Discord is told within {@link #COMMAND_CHECK_MS}.
     */
    private void registerCommands() {
        registerIfChanged();
        timers.scheduleWithFixedDelay(this::registerIfChanged, COMMAND_CHECK_MS, COMMAND_CHECK_MS,
                TimeUnit.MILLISECONDS);
    }

    private void registerIfChanged() {
        try {
            List<SlashCommandData> definitions = slashCommands.definitions();
            String fingerprint = definitions.stream().map(d -> d.toData().toString()).toList().toString();
            if (fingerprint.equals(registeredCommands)) {
                return;
            }
            registeredCommands = fingerprint;
            jda.updateCommands().addCommands(definitions).queue(
                    registered -> log.info("Registered {} slash commands", registered.size()),
                    failure -> {
                        registeredCommands = null; // try again at the next check
                        log.warn("Registering slash commands failed: {}", failure.toString());
                    });
        } catch (RuntimeException e) {
            log.warn("Could not build the slash commands: {}", e.toString());
        }
    }

    /**
     * The gateway connection's state for {@code /health}: {@code connected}, or JDA's status in words
     * ({@code reconnecting}, {@code disconnected}, ...).
     */
    public String gatewayState() {
        JDA current = jda;
        if (current == null) {
            return "connecting";
        }
        JDA.Status status = current.getStatus();
        return status == JDA.Status.CONNECTED ? "connected"
                : status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    @Override
    public void onReady(ReadyEvent event) {
        log.info("Connected to Discord as {}", event.getJDA().getSelfUser().getName());
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        if (!isMasterDm(event)) {
            return;
        }
        synchronized (seenMessages) {
            if (!seenMessages.add(event.getMessageIdLong())) {
                log.debug("Message {} seen before (gateway replay); ignored", event.getMessageId());
                return;
            }
        }
        String text = event.getMessage().getContentRaw();
        List<Message.Attachment> attachments = event.getMessage().getAttachments();
        if (text.isBlank() && attachments.isEmpty()) {
            return;
        }
        MessageChannel dm = event.getChannel();
        if (text.strip().equalsIgnoreCase("stop")) {
            stop(dm);
            return;
        }
        startTyping(dm);
        long generation = stops.get();
        turns.execute(() -> {
            // A stop since this message arrived drops it, and abandons it if already running (a reply that is
            // streaming stops where it is, marked as cut).
            List<java.nio.file.Path> files = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean typingStopped = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable endTyping = () -> {
                if (typingStopped.compareAndSet(false, true)) {
                    stopTyping();
                }
            };
            LiveReply live = new LiveReply(dm, timers, endTyping);
            String reply = stops.get() != generation ? null
                    : agent.reply(masterUserId, AttachmentReader.read(text, attachments, inbox, masterUserId),
                            () -> stops.get() != generation, files::add, live);
            if (reply == null) {
                endTyping.run();
            } else if (live.started()) {
                finishLive(dm, live, reply, files, endTyping);
            } else {
                sender.send(dm, reply, files, null, failure -> endTyping.run());
            }
        });
    }

    /**
     * The last update of a streamed reply, then the files a tool attached, in a message of their own. The turn waits
     * for it (bounded), so the next reply cannot start between its messages.
     */
    private void finishLive(MessageChannel dm, LiveReply live, String reply, List<java.nio.file.Path> files,
                            Runnable endTyping) {
        CompletableFuture<Void> shown = new CompletableFuture<>();
        live.finish(reply, () -> {
            if (files.isEmpty()) {
                shown.complete(null);
            } else {
                sender.send(dm, "Attached: " + files.stream().map(f -> f.getFileName().toString())
                        .collect(java.util.stream.Collectors.joining(", ")), files, null, failure -> shown.complete(null));
            }
        });
        try {
            shown.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The end of a streamed reply was not confirmed in time: {}", e.toString());
        } finally {
            endTyping.run();
        }
    }

    /** {@code stop}: the running turn is abandoned (nothing of it is kept) and queued messages are dropped. */
    private void stop(MessageChannel dm) {
        stops.incrementAndGet();
        sender.send(dm, "Stopped.", () -> { });
    }

    /** The access rule: a DM, from the master. Guild messages are ignored even from the master. */
    private boolean isMasterDm(MessageReceivedEvent event) {
        return event.getChannelType() == ChannelType.PRIVATE && !event.getAuthor().isBot()
                && event.getAuthor().getId().equals(masterUserId);
    }

    private void startTyping(MessageChannel dm) {
        synchronized (working) {
            working.incrementAndGet();
            dm.sendTyping().queue(null, failure -> log.debug("Typing indicator failed: {}", failure.toString()));
            if (typing == null) {
                typing = timers.scheduleAtFixedRate(() -> dm.sendTyping().queue(null, failure -> { }),
                        typingRefreshMillis, typingRefreshMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void stopTyping() {
        synchronized (working) {
            if (working.decrementAndGet() == 0 && typing != null) {
                typing.cancel(false);
                typing = null;
            }
        }
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        slashCommands.onSlashCommand(event);
    }

    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent event) {
        slashCommands.onAutocomplete(event);
    }

    /** Proactive message (a reminder): opens the master's DM and posts, split like any reply. */
    @Override
    public void notify(String text) {
        jda.openPrivateChannelById(masterUserId).queue(
                dm -> sender.send(dm, text, () -> { }),
                failure -> log.warn("Could not open the DM with the master user: {}", failure.toString()));
    }

    @Override
    public String masterUserId() {
        return masterUserId;
    }

    /** A message that belongs to the conversation: posted with its nonce, retried, and reported to {@code done}. */
    @Override
    public void deliver(String text, String nonce, java.util.function.Consumer<java.util.Optional<String>> done) {
        deliver(text, nonce, done, 1);
    }

    private void deliver(String text, String nonce, java.util.function.Consumer<java.util.Optional<String>> done,
                         int attempt) {
        jda.openPrivateChannelById(masterUserId).queue(
                dm -> sender.send(dm, text, List.of(), nonce, done),
                failure -> {
                    if (attempt >= 4) {
                        done.accept(java.util.Optional.of("could not open the DM: " + failure.getMessage()));
                    } else {
                        timers.schedule(() -> deliver(text, nonce, done, attempt + 1), 1_000L << (attempt - 1),
                                TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** Posts the question with Approve / Deny buttons and waits for the master to press one. */
    @Override
    public Approvals.Decision askApproval(String question, Duration timeout) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Approvals.Decision> decision = new CompletableFuture<>();
        approvals.put(id, decision);
        try {
            jda.openPrivateChannelById(masterUserId)
                    .flatMap(dm -> dm.sendMessage(question).setComponents(ActionRow.of(
                            Button.success("approval:approve:" + id, "Approve"),
                            Button.danger("approval:deny:" + id, "Deny"))))
                    .queue(null, failure -> decision.complete(Approvals.Decision.DENIED));
            return decision.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Approvals.Decision.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Approvals.Decision.DENIED;
        } catch (ExecutionException e) {
            return Approvals.Decision.DENIED;
        } finally {
            approvals.remove(id);
        }
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        String[] parts = event.getComponentId().split(":", 3);
        if (parts.length != 3 || !parts[0].equals("approval")) {
            return;
        }
        if (!event.getUser().getId().equals(masterUserId)) {
            event.reply(SlashCommands.UNAUTHORIZED).setEphemeral(true).queue();
            return;
        }
        CompletableFuture<Approvals.Decision> decision = approvals.get(parts[2]);
        if (decision == null) {
            event.reply("This question is no longer waiting for an answer.").setEphemeral(true).queue();
            return;
        }
        boolean approved = parts[1].equals("approve");
        decision.complete(approved ? Approvals.Decision.APPROVED : Approvals.Decision.DENIED);
        event.editMessage(event.getMessage().getContentRaw() + "\n\n" + (approved ? "✅ Approved" : "❌ Denied"))
                .setComponents().queue();
    }

    @Override
    public void close() {
        turns.shutdownNow();
        commandWorkers.shutdownNow();
        timers.shutdownNow();
        if (jda != null) {
            jda.shutdownNow();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
