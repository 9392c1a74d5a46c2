package dev.cortana.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The log holds what the user and the tools said: only Cortana's user may read it. */
class LoggingTest {

    @TempDir
    Path workspace;

    @AfterEach
    void detachTheFileAppender() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = root.getAppender("FILE");
        if (appender != null) {
            appender.stop();
            root.detachAppender(appender);
        }
    }

    @Test
    void theLogFileIs0600InA0700Folder() throws Exception {
        Logging.configure(workspace, "INFO");
        LoggerFactory.getLogger(LoggingTest.class).info("a line for the log");

        Path log = workspace.resolve("logs/cortana.log");
        assertThat(Files.readString(log)).contains("a line for the log");
        assertThat(mode(log)).isEqualTo("rw-------");
        assertThat(mode(log.getParent())).isEqualTo("rwx------");
    }

    @Test
    void logsLeftReadableByAnOlderVersionAreTightened() throws Exception {
        Path logs = Files.createDirectories(workspace.resolve("logs"));
        Path current = Files.writeString(logs.resolve("cortana.log"), "old line\n");
        Path rolled = Files.writeString(logs.resolve("cortana.2026-11-30.log"), "older line\n");
        for (Path file : new Path[] {current, rolled}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x"));

        Logging.configure(workspace, "INFO");

        assertThat(mode(logs)).isEqualTo("rwx------");
        assertThat(mode(current)).isEqualTo("rw-------");
        assertThat(mode(rolled)).isEqualTo("rw-------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
