package dev.cortana.host.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every tool call goes through: it times the call, bounds it, and turns every failure into a result
 * the model can read, so a plugin's bug never crashes a turn.
 */
public final class ToolRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
    private static final int MAX_ERROR_CHARS = 500;

    private final Duration timeout;
    private final ExecutorService executor;

    public ToolRunner(Duration timeout) {
        this.timeout = timeout;
        AtomicInteger counter = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "tool-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the model's call and returns the text to send back as the tool result. Never throws. */
    public String run(ToolSet tools, ToolExecutionRequest request, String userId) {
        String name = request.name();
        var tool = tools.find(name);
        if (tool.isEmpty()) {
            String available = String.join(", ", tools.tools().stream().map(RegisteredTool::name).toList());
            return "Error: there is no tool named \"" + name + "\". Available tools: "
                    + (available.isEmpty() ? "none" : available) + ".";
        }
        long start = System.nanoTime();
        Future<String> call = executor.submit(() -> tool.get().invoker().invoke(request.arguments(), userId));
        try {
            String result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.debug("Tool {} ({}) answered in {} ms", name, tool.get().pluginId(), elapsedMillis(start));
            return result == null ? "(no result)" : result;
        } catch (TimeoutException e) {
            call.cancel(true);
            log.warn("Tool {} of plugin {} did not finish within {} s and was abandoned",
                    name, tool.get().pluginId(), timeout.toSeconds());
            return "Error: the tool " + name + " did not finish within " + timeout.toSeconds()
                    + " seconds and was stopped. Tell the user it timed out; don't retry the same call.";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            log.info("Tool {} of plugin {} failed after {} ms: {}", name, tool.get().pluginId(), elapsedMillis(start),
                    cause.toString());
            return "Error: " + describe(cause);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return "Error: the tool " + name + " was interrupted because the turn was cancelled.";
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            message = error.getClass().getSimpleName();
        } else if (message.startsWith("Error: ")) {
            message = message.substring("Error: ".length());
        }
        return message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS) + "…" : message;
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
