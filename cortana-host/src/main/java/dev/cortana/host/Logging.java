package dev.cortana.host;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import dev.cortana.host.workspace.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logs go to {@code WORKSPACE_DIR/logs/cortana.log} (rotated daily, two weeks kept); only warnings and errors reach
 * standard error, so the console chat stays readable. {@code LOG_LEVEL} sets the file's level. The folder is 0700
 * and every log file 0600, from its creation ({@link PrivateFiles}): logs hold what the user and the tools said.
 */
final class Logging {

    private Logging() {
    }

    static void configure(Path workspaceDir, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Path logDir = workspaceDir.resolve("logs");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();

        try {
            PrivateFiles.folder(logDir);
        } catch (IOException e) {
            System.err.println("Note: the log folder " + logDir + " could not be made private: " + e.getMessage());
        }
        RollingFileAppender<ILoggingEvent> file = new PrivateRollingFileAppender();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(logDir.resolve("cortana.log").toString());
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(file);
        policy.setFileNamePattern(logDir.resolve("cortana.%d{yyyy-MM-dd}.log").toString());
        policy.setMaxHistory(14);
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder);
        file.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender("FILE");
        root.addAppender(file);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }

    /** Creates (or tightens) each log file as 0600 before logback opens it: at start and after every daily roll. */
    private static final class PrivateRollingFileAppender extends RollingFileAppender<ILoggingEvent> {
        @Override
        public void openFile(String fileName) throws IOException {
            Path path = Path.of(fileName);
            Files.createDirectories(path.toAbsolutePath().getParent());
            PrivateFiles.file(path);
            super.openFile(fileName);
        }
    }
}
