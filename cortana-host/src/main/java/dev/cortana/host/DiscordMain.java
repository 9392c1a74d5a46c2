package dev.cortana.host;

import dev.cortana.host.channel.discord.DiscordChannel;
import dev.cortana.host.channel.discord.DiscordSettings;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.config.LayeredConfig;
import dev.cortana.host.plugins.PluginsCommand;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The Discord half of {@link Main}: connects, serves until the process is asked to stop (SIGTERM, Ctrl-C), then
 * disconnects and closes Cortana before the JVM halts.
 */
final class DiscordMain {

    private DiscordMain() {
    }

    /** Returns the exit code: 0 after a clean stop, 2 when Discord refuses the configuration. */
    static int serve(Cortana cortana, LayeredConfig raw, long startedNanos, PrintStream stderr,
                     java.util.Optional<HealthEndpoint> health) {
        DiscordSettings settings = new DiscordSettings(cortana.config().discordToken().orElseThrow(),
                cortana.config().masterUserId().orElseThrow(), raw.get("DISCORD_API_URL"),
                raw.get("DISCORD_GATEWAY_URL"));
        DiscordChannel channel;
        try {
            channel = DiscordChannel.connect(settings, cortana.agent(), cortana.commands(), cortana.attachmentInbox());
        } catch (ConfigException e) {
            stderr.println("Configuration error: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopped.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cortana-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (channel) {
            cortana.master().attach(channel);
            health.ifPresent(h -> {
                h.channel(channel::gatewayState);
                h.started(cortana);
            });
            long plugins = cortana.plugins().statuses().stream().filter(s -> s.started()).count();
            stderr.printf("Cortana %s is ready in %d ms: Discord DMs from user %s, model %s, %d plugins, %s%s.%n",
                    Cortana.VERSION, (System.nanoTime() - startedNanos) / 1_000_000, settings.masterUserId(),
                    cortana.config().modelName(), plugins, cortana.database().description(),
                    PluginsCommand.startupNotes(cortana.plugins()));
            stderr.flush();
            cortana.warmUp(); // in the background: the first DM does not pay for class loading and client set-up
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            // The JVM halts once the hook returns: close everything here, before releasing it.
            health.ifPresent(HealthEndpoint::stopping);
            channel.close();
            cortana.close();
            closed.countDown();
        }
    }
}
