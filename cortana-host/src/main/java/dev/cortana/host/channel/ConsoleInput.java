package dev.cortana.host.channel;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard input read on its own thread, so a line typed while a turn is running can answer a question that turn
 * asks (an approval). A line goes to the question waiting for an answer if there is one, otherwise it queues as the
 * next message. Only a console whose input is a terminal lets its lines answer questions ({@link ConsoleChannel}).
 */
final class ConsoleInput {

    private static final Logger log = LoggerFactory.getLogger(ConsoleInput.class);

    private final Deque<String> queued = new ArrayDeque<>();
    private boolean ended;
    private boolean anyLine;
    private CompletableFuture<Optional<String>> waitingAnswer;

    /** Starts reading {@code in} on a daemon thread until end of input. */
    void startReading(BufferedReader in) {
        startReading(in, "console-input");
    }

    /** Starts reading {@code in} on a daemon thread named {@code threadName} until end of input. */
    void startReading(BufferedReader in, String threadName) {
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    offer(line);
                }
            } catch (IOException e) {
                log.warn("Console input failed: {}", e.getMessage());
            } finally {
                end();
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    synchronized void offer(String line) {
        anyLine = true;
        if (waitingAnswer != null) {
            waitingAnswer.complete(Optional.of(line));
            waitingAnswer = null;
            return;
        }
        queued.add(line);
        notifyAll();
    }

    synchronized void end() {
        ended = true;
        if (waitingAnswer != null) {
            waitingAnswer.complete(Optional.empty());
            waitingAnswer = null;
        }
        notifyAll();
    }

    /** Whether input ended before its first line (no input at all: {@code < /dev/null}, a detached container). */
    synchronized boolean endedBeforeAnyLine() {
        return ended && !anyLine;
    }

    /** Forgets lines read but not taken yet (typed ahead of a question). */
    synchronized void discardQueued() {
        queued.clear();
    }

    /** The next message line, or empty at end of input once every queued line was taken. */
    synchronized Optional<String> nextLine() throws InterruptedException {
        while (queued.isEmpty() && !ended) {
            wait();
        }
        return Optional.ofNullable(queued.poll());
    }

    /**
     * The next line as the answer to a question: empty at end of input; {@link TimeoutException} when nothing
     * arrives within {@code timeout}.
     */
    Optional<String> answer(Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<Optional<String>> answer;
        synchronized (this) {
            if (!queued.isEmpty()) {
                return Optional.of(queued.poll());
            }
            if (ended) {
                return Optional.empty();
            }
            answer = new CompletableFuture<>();
            waitingAnswer = answer;
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return Optional.empty();
        } finally {
            synchronized (this) {
                if (waitingAnswer == answer) {
                    waitingAnswer = null;
                }
            }
        }
    }
}
