package dev.cortana.host.channel;

import dev.cortana.host.storage.Database;
import dev.cortana.host.testing.discord.DiscordTestBot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A Cortana stand-in for {@link MasterMessagesTest}: connects to the loopback Discord of the parent JVM (arguments:
 * API URL, gateway URL, database URL, workspace), sends the master {@value #MESSAGE} through the journalled
 * {@link MasterConnection}, prints {@value #READY} and waits to be killed with SIGKILL.
 */
public final class KilledSendChild {

    static final String READY = "KILLED-SEND-CHILD-READY";
    static final String MESSAGE = "⏰ Reminder: call the dentist";

    private KilledSendChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path workspace = Path.of(args[3]);
        Database database = Database.open(Optional.of(args[2]), workspace);
        DiscordTestBot bot = new DiscordTestBot(args[0], args[1], workspace, List.of(), Duration.ofSeconds(8),
                List.of(), false);
        MasterConnection master = new MasterConnection();
        master.recordIn(bot.conversations(), new MasterDeliveries(database.dataSource()));
        master.attach(bot.channel());
        master.send(MESSAGE);
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
