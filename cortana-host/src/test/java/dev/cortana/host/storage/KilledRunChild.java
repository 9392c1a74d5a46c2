package dev.cortana.host.storage;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A Cortana stand-in for {@link DatabaseEmbeddedTest}: opens the embedded database of the workspace given as the
 * argument, saves a setting, prints {@value #READY} and waits to be killed (with SIGKILL, so nothing is closed).
 */
public final class KilledRunChild {

    static final String READY = "KILLED-RUN-CHILD-READY";

    private KilledRunChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Database database = Database.open(Optional.empty(), Path.of(args[0]));
        new UserSettingsStore(database.dataSource()).put("alice", "timezone", "Europe/Berlin");
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
