package dev.cortana.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An Error that kills a thread ends the process with one line; a plugin thread's RuntimeException does not. */
class FatalErrorsTest {

    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final FatalErrors handler = new FatalErrors(exits::add);
    private final Logger logger = (Logger) LoggerFactory.getLogger(FatalErrors.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void listen() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logs);
    }

    private void dieWith(String name, Throwable error) throws InterruptedException {
        Thread thread = new Thread(() -> {
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) error;
        }, name);
        thread.setUncaughtExceptionHandler(handler);
        thread.start();
        thread.join(10_000);
    }

    @Test
    void anOutOfMemoryErrorThatKillsAThreadExitsWithStatus70AfterOneLogLine() throws Exception {
        dieWith("HttpClient-1-SelectorManager", new OutOfMemoryError("Java heap space"));

        assertThat(exits).containsExactly(70);
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel().toString()).isEqualTo("ERROR");
            assertThat(event.getFormattedMessage()).isEqualTo("Fatal OutOfMemoryError in thread "
                    + "HttpClient-1-SelectorManager (Java heap space); exiting with status 70 so that a clean process "
                    + "can be started");
            assertThat(event.getThrowableProxy()).isNull();
        });
    }

    @Test
    void aRuntimeExceptionInAPluginThreadIsOneWarningAndTheBotGoesOn() throws Exception {
        dieWith("todos-reminder", new IllegalStateException("reminder table missing"));

        assertThat(exits).isEmpty();
        assertThat(logs.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .isEqualTo("Thread todos-reminder stopped by IllegalStateException: reminder table missing"));
    }

    @Test
    void aPluginClassMissingAfterItsJarWasReplacedDoesNotExitEither() throws Exception {
        dieWith("plugin-task", new NoClassDefFoundError("dev/example/Gone"));

        assertThat(exits).isEmpty();
    }
}
