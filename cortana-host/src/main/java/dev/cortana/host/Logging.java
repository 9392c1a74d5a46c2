package dev.cortana.host;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.llm.SecretRedactor;
import java.io.PrintStream;
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
        configure(workspaceDir, level, false, SecretRedactor.of());
    }

    /**
     * {@code LOG_FORMAT=json} ({@code json}): every event at {@code level} goes to standard error and the log file as
     * one JSON object per line ({@link JsonLogEncoder}, {@code secrets} replaced), not only warnings, since JSON lines
     * are for a collector (a container's log), not for reading beside a chat.
     */
    static void configure(Path workspaceDir, String level, boolean json, SecretRedactor secrets) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Path logDir = workspaceDir.resolve("logs");
        Encoder<ILoggingEvent> encoder;
        if (json) {
            encoder = new JsonLogEncoder(secrets);
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
            encoder = pattern;
        }
        encoder.setContext(context);
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
        if (json && root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> stderr) {
            stderr.stop();
            stderr.clearAllFilters();
            JsonLogEncoder stderrEncoder = new JsonLogEncoder(secrets);
            stderrEncoder.setContext(context);
            stderrEncoder.start();
            stderr.setEncoder(stderrEncoder);
            stderr.start();
        }
    }

    /**
     * {@code LOG_FORMAT}: {@code text} (the default) or {@code json}.
     *
     * @throws ConfigException for any other value, in the host's one form
     */
    static boolean jsonFormat(Config config) {
        String format = config.get("LOG_FORMAT").orElse("text").strip().toLowerCase(java.util.Locale.ROOT);
        return switch (format) {
            case "text" -> false;
            case "json" -> true;
            default -> throw ConfigException.invalid("LOG_FORMAT", config.get("LOG_FORMAT").orElse(""),
                    "text or json");
        };
    }

    /**
     * For {@code LOG_FORMAT=json}: a stream whose lines (Cortana's ready line, its notes) are logged as events of
     * the logger {@code dev.cortana.host.Main}, so standard error holds JSON objects only.
     */
    static PrintStream linesAsEvents() {
        org.slf4j.Logger main = LoggerFactory.getLogger(Main.class);
        return new PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                    line.reset();
                    if (!text.isBlank()) {
                        main.info(text.stripTrailing());
                    }
                } else {
                    line.write(b);
                }
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
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
