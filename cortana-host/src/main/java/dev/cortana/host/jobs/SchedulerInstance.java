package dev.cortana.host.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This Cortana's name in {@code scheduled_tasks.picked_by}: stable across restarts of one workspace (stored in
 * {@value #FILE}), so that at start-up Cortana recognises the runs its own earlier, killed process had picked and
 * releases them at once instead of waiting for db-scheduler's heartbeat timeout.
 */
final class SchedulerInstance {

    static final String FILE = ".jobs-instance";

    private SchedulerInstance() {
    }

    static String nameFor(Path workspaceRoot) {
        Path file = workspaceRoot.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (stored.matches("cortana-[0-9a-f-]{36}")) {
                    return stored;
                }
            }
            String name = "cortana-" + UUID.randomUUID();
            Files.writeString(file, name + "\n", StandardCharsets.UTF_8);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
