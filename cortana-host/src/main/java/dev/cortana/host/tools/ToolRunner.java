package dev.cortana.host.tools;

import dev.cortana.api.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
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
 * the model can read, so a plugin's bug never crashes a turn; a result longer than {@link #MAX_RESULT_BYTES} is cut
 * with a note.
 */
public final class ToolRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
    private static final int MAX_ERROR_CHARS = 500;
    /**
     * The most of one tool result the model sees: 64 KiB, above what {@code execute_bash} ({@code
     * BASH_OUTPUT_MAX_BYTES}, 50 KiB by default, plus its notes) and {@code read_file} (50 KB) return themselves.
     */
    public static final int MAX_RESULT_BYTES = 64 * 1024;

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
        return run(tools, request, userId, file -> { });
    }

    /**
     * Like {@link #run(ToolSet, ToolExecutionRequest, String)}; files the tool attaches ({@link ToolResult}) that
     * exist go to {@code filesOut}, one the tool named but that is missing is said in the result.
     */
    public String run(ToolSet tools, ToolExecutionRequest request, String userId, Consumer<Path> filesOut) {
        String name = request.name();
        var tool = tools.find(name);
        if (tool.isEmpty()) {
            String available = String.join(", ", tools.tools().stream().map(RegisteredTool::name).toList());
            return "Error: there is no tool named \"" + name + "\". Available tools: "
                    + (available.isEmpty() ? "none" : available) + ".";
        }
        long start = System.nanoTime();
        Future<Object> call = executor.submit(() -> {
            org.slf4j.MDC.put("plugin", tool.get().pluginId()); // LOG_FORMAT=json shows it as "plugin"
            try {
                return tool.get().invoker().invoke(request.arguments(), userId);
            } finally {
                org.slf4j.MDC.remove("plugin");
            }
        });
        try {
            String result = textAndFiles(call.get(timeout.toMillis(), TimeUnit.MILLISECONDS), filesOut);
            log.debug("Tool {} ({}) answered in {} ms", name, tool.get().pluginId(), elapsedMillis(start));
            return result == null ? "(no result)" : capped(name, result);
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

    private static String textAndFiles(Object result, Consumer<Path> filesOut) {
        if (!(result instanceof ToolResult withFiles)) {
            return result == null ? null : result.toString();
        }
        StringBuilder text = new StringBuilder(withFiles.text());
        for (Path file : withFiles.files()) {
            if (Files.isRegularFile(file)) {
                filesOut.accept(file.toAbsolutePath());
            } else {
                text.append("\n[The file ").append(file.getFileName()).append(" to attach does not exist; it was not sent.]");
            }
        }
        return text.toString();
    }

    /**
     * A result over {@link #MAX_RESULT_BYTES} bytes of UTF-8 keeps its beginning (cut on a character boundary) and
     * says how much was left out, as {@code execute_bash} does with long output.
     */
    static String capped(String toolName, String result) {
        if (result.length() <= MAX_RESULT_BYTES / 4 || utf8Length(result) <= MAX_RESULT_BYTES) {
            return result;
        }
        int end = 0;
        long bytes = 0;
        while (end < result.length()) {
            int codePoint = result.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_RESULT_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        log.info("Result of tool {} cut from {} to {} bytes", toolName, utf8Length(result), bytes);
        return result.substring(0, end) + "\n\n[cut by Cortana: the result of " + toolName + " was "
                + utf8Length(result) + " bytes; only the first " + bytes + " are shown. Ask the tool for less.]";
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
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
